// Package collectortest holds the scaffolding the collectors' tests
// share: running a collector on a host root directory with its facts
// checked against the namespace's JSON Schema, and comparing output with
// golden files, rewritten with go test -update.
//
// It is for _test.go files only (internal/archtest checks that no other
// file imports it). Policy evaluation on collected facts is in
// internal/policytest, outside plugins/, since collectors must not
// depend on the policy engine.
package collectortest
