// Package testbin builds what `make build` builds — the agent and every
// collector plugin with its manifest — into a directory, for tests that
// run the real binaries.
package testbin
