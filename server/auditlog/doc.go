// Package auditlog is the server's append-only, tamper-evident audit log
// of audit data: every read of facts, results and scorecards and every
// change or deletion, with who, when, what, why and the real outcome
// (DPA 2018 s.62).
//
// Each process is a writer with its own random WriterID, and its entries
// form a hash chain: entry n carries the writer, n, the SHA-256 of entry
// n-1 (Prev) and its own SHA-256 over its canonical bytes (the compact
// JSON of the entry with Hash empty); the stored object must be exactly
// that encoding. Entries are written once, under keys
// audit/<day>/<time>-<writer>-<seq>.json, and retention-locked for
// Log.Retain where the store has object lock, so replicas append side by
// side without coordinating. A writer ends its chain with a Close entry
// (Log.Close, on shutdown and at the end of every command) and, while it
// runs, appends a Checkpoint whenever it has been idle for the checkpoint
// interval (Log.Run). A write whose result is unknown abandons the chain;
// the next chain's first entry names where the old one certainly ended
// (Entry.Follows).
//
// Verify walks every chain over a time range and reports each problem:
// corrupt (checksum or decoding fails), altered (bytes or links do not
// match the hashes, even when the store's checksum was fixed), missing
// (sequence gaps, a start missing well inside the range, entries a
// following chain vouches for), reordered (an entry at another's key, two
// entries in one place, time running backwards, entries after a close),
// truncated (no close and silent for longer than checkpoints allow) and
// unconfirmed. docs/audit-log.md says what it cannot detect.
package auditlog
