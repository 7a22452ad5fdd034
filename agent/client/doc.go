// Package client speaks the agent side of the auditfleet server HTTP API
// (docs/api.md): enroll, check-in and report submission, over TLS with
// bearer authentication. Every failure the server reports comes back as an
// *Error, so callers can tell a failure worth retrying (Retryable) from
// one that will never succeed.
package client
