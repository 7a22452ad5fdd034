// Package testserver is an in-process fake of the server's agent endpoints
// (docs/api.md: enroll, check-in, reports), for the agent's unit tests
// only: it keeps state in memory, detects duplicate report IDs, and can be
// told to fail, drop connections or revoke a host.
package testserver
