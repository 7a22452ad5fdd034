// Package dirlist lists host directories with a bound on the entries
// read, for the collectors that walk trees of unknown size (retention,
// change's canary search): a directory with a million files costs no more
// than the walk's remaining budget.
package dirlist
