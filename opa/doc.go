// Package opa evaluates the control policies with Open Policy Agent. New
// loads a policy tree (normally policies.FS), compiles it once, reads each
// control's metadata from its METADATA block and prepares a single query
// for every control's result; Evaluate then runs that query for one host's
// facts at an explicit evaluation time, so results are repeatable.
package opa
