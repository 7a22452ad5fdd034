// Package regolint checks the policies for what Regal, OPA's linter, would
// flag and the compiler does not, and for what only auditfleet knows:
// lines over MaxLine characters, rules over MaxRuleLines lines, boolean
// lookup tables ({true: a, false: b}[cond]), helper rules referenced
// nowhere, and controls that reach facts namespaces, organisation data or
// other controls' results they do not declare in their METADATA
// (custom.requires, custom.reads, custom.depends).
package regolint
