// Package journal reads systemd journal files (the binary
// /var/log/journal/<machine-id>/*.journal format) in pure Go, without
// libsystemd and without starting journalctl.
//
// It is deliberately small and bounded: it walks a file's objects
// linearly from the header, decodes every ENTRY object and resolves, for
// the fields the caller asks for, the DATA objects it references. It does
// not use the hash tables or entry arrays, so it reads files that
// journald is still writing (online) and files cut short, up to the last
// whole object. Regular and compact files are read; DATA payloads
// compressed with zstd or LZ4 are decompressed, XZ ones are skipped and
// counted. Every size read from the file is checked against the file and
// against Limits before anything is allocated, so a corrupt, truncated or
// hostile file yields an error or a counted problem, never a panic or an
// unbounded allocation.
//
// The format is described in systemd's JOURNAL_FILE_FORMAT.md.
package journal
