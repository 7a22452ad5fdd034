// Package schemas holds the JSON Schema (draft 2020-12) of every facts
// namespace, one file per namespace (<namespace>.schema.json), embedded in
// the binary, and validates a collector's facts against its namespace's
// schema.
//
// The schemas are the contract between collectors and policies: each
// mirrors the Facts Go type of the collector in plugins/<namespace> (each
// collector's own TestContract checks that the two agree, and a test here
// that every collector has a schema and every schema a collector), and the policies in policies/ read the facts
// as the schemas describe them. Timestamps in the namespaces added after
// os and accounts are RFC 3339 in UTC, ending in "Z", because the policies
// compare them as strings.
//
// The server validates incoming facts with Validate; this package must not
// import the collectors.
package schemas
