// Package cli implements the auditfleet-agent command line: one file per
// subcommand around a cobra root, and the documented exit codes.
package cli
