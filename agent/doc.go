// Package agent turns the outcomes of the collector plugins into one facts
// document for the host, and evaluates it locally for offline scans.
package agent
