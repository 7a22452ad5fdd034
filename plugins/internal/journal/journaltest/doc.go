// Package journaltest builds small systemd journal files in memory for
// tests and benchmarks of code that reads them (package journal and the
// collectors using it). The files have a header, DATA and ENTRY objects
// and nothing else: no hash tables, FIELD objects or entry arrays, which
// the journal package does not read. Real files for fixtures are made
// with systemd-journal-remote instead.
package journaltest
