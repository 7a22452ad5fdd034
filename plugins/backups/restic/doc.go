// Package restic runs the restic program for the backups collector (the
// snapshots of a repository it cannot read from files) and for the
// agent's restore-test command (list, restore and verify a snapshot).
// restic runs through package tool: an explicit program path, an
// environment holding only what the repository needs, and the caller's
// context, so a cancelled or timed-out collection kills it.
package restic
