// Package borg runs the borg program for the backups collector: the
// newest archive and the encryption mode of a repository, for remote
// repositories (or local ones) whose job has a password file.
//
// borg runs through package tool with an explicit program path, an
// environment holding only what the repository needs, the passphrase on a
// file descriptor rather than in the environment, a scratch BORG_BASE_DIR,
// and the caller's context.
package borg
