// Package registry is the server's register of enrolled hosts: enrollment
// with enroll secrets, per-host tokens, re-enrollment, revocation and
// decommissioning, which truly deletes a host's facts and results.
package registry
