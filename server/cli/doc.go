// Package cli implements the auditfleet-server command line: serve, the
// admin commands that create people's tokens and enroll secrets, and
// version.
package cli
