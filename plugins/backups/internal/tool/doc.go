// Package tool runs a backup program (restic, borg) for the backups
// collector and the agent's restore-test, and is the only part of them
// allowed to start processes (see internal/archtest): an explicit program
// path, only the environment given, the caller's context (a cancelled or
// timed-out collection kills the program), bounded output, and errors
// that carry the program's own last message.
package tool
