// Package storetest is the conformance suite every storage backend must
// pass: Run exercises the contract documented in package store (round
// trips, checksums, write-once under concurrency, hostile keys, ordered
// and paginated listing, deletion of every version, legal holds and
// context cancellation) against fresh instances of a backend.
package storetest
