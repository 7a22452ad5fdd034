// Package policytest evaluates the real policy catalogue (policies.FS)
// on facts in tests, as the collectors' policy tests do: a facts document
// is built around the collected facts, evaluated at a fixed time, and
// each control's status is checked. Untrusted checks what a control
// reports on facts from a corrupted or hidden source (the collectors'
// truth tests).
//
// It lives outside plugins/ because collectors must not depend on the
// policy engine (internal/archtest); plugins' _test.go files may import
// it.
package policytest
