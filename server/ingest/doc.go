// Package ingest accepts a host's facts report: it validates the document,
// evaluates the policies, and writes the facts and results to object
// storage as write-once evidence, acknowledging only once both are
// durable. Re-submitting a report is harmless: it is stored once.
package ingest
