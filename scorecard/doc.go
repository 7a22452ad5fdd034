// Package scorecard summarises evaluated results: for one host, the
// per-status counts and a readable or machine-readable report.
package scorecard
