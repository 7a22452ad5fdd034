// Package result defines the outcome of evaluating one control on one host:
// a status, the evidence behind it, and the control's metadata.
package result
