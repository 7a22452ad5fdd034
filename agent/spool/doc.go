// Package spool keeps reports the server could not take yet, as the exact
// JSON bytes collected, in a directory of the agent's state, and delivers
// them oldest first before any new report.
//
// A report waits in the spool while the failure is not about the report
// itself: the server is down, answers 5xx, 408 or 429, or refuses the agent
// (a revoked token: the reports wait for re-enrollment). When the server
// refuses the report itself for good (400, 409, 413, 415, 422), it moves to
// rejected/ beside a .reason file, so that it is never retried forever nor
// silently lost. A "duplicate" answer means the server already holds the
// report, so it counts as delivered.
//
// The spool is bounded by a number of files and of bytes. When a new report
// would exceed either, the OLDEST reports are dropped, each with a warning
// in the log: the newest facts describe the host as it is now and are the
// ones the current audit cycle is scored on, and an audit agent must never
// fill the disk of the host it audits. rejected/ is bounded the same way.
//
// Two agent processes may share a spool (a one-off run beside the
// service): a report both send is stored once, because the server
// de-duplicates by report ID, and a file the other process already removed
// is skipped.
package spool
