// Package digest holds the readers both storage backends use to checksum
// objects: one that hashes and counts what Put reads, enforcing the
// declared size, and one that verifies what Get returns at EOF.
package digest
