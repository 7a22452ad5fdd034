// Package auditlog is the server's append-only audit log of audit data:
// every read of facts, results and scorecards and every change or deletion,
// with who, when, what and why (DPA 2018 s.62), one write-once object per
// entry so no entry can be altered or lost to a concurrent writer.
package auditlog
