// Package opa evaluates the control policies with Open Policy Agent. New
// loads a policy tree (normally policies.FS), compiles it once, reads each
// control's metadata from its METADATA block and prepares a single query
// for every control's result; Evaluate then runs that query for one host's
// facts at an explicit evaluation time, so results are repeatable.
//
// Controls whose result rule opens with the "facts absent" branch
// (result := <constant> if { not has_facts; not "ns" in lib.failed }, see
// skip.go) are recognised from the compiled policy: for a host without
// those facts Evaluate returns the constant without evaluating the
// control, and evaluates the others with a query prepared for that set of
// controls. InputJSON parses a report straight into AST terms.
package opa
