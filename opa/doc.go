// Package opa evaluates the control policies with Open Policy Agent. New
// loads a policy tree (normally policies.FS), compiles it once, reads each
// control's metadata from its METADATA block (custom.requires, reads and
// depends included), orders the controls by their dependencies and
// prepares one query per level of them; Evaluate then runs those queries
// for one host's facts at an explicit evaluation time, so results are
// repeatable.
//
// Before evaluating, the engine gates each control on what it requires
// (gate.go): a failed collector for a required facts namespace gives
// error, missing required facts or organisation data give not_assessed,
// and only the other controls are evaluated, with a query prepared for
// that set of controls. A control that combines others (custom.depends)
// is evaluated after them and reads their final results as
// input.results[id]. InputJSON parses a report straight into AST terms.
package opa
