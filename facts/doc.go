// Package facts defines the facts document an agent produces for one host:
// what each collector observed, under its own namespace, and which
// collectors failed. It is the contract between agent, server and policies.
package facts
