// Package auth holds the server's credentials and roles: random secrets
// (host tokens, people's API tokens, enroll secrets) stored only as
// SHA-256 hashes, the principals they authenticate, and which role may do
// what.
package auth
