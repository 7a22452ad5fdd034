// Package objkey is the object layout of the server's storage and the only
// place object keys are built. Keys are made from validated IDs only: each
// ID type can be obtained solely from a Parse function (or a New/At
// constructor), which accepts a fixed, narrow alphabet, so no host, cycle
// or report ID can contain "/", "..", upper case (except the fixed "T" and
// "Z" of a cycle ID), percent signs or look-alike characters, and no key
// can escape its prefix. Builders panic on a zero ID: that is a bug in the
// caller, not bad input.
//
// # Layout
//
//	hosts/<host>.json                              host registry entry
//	cycles/<cycle>.json                            audit cycle state
//	firstseen/<host>.json                          when each pending update was first seen (package firstseen)
//	closing/<cycle>.json                           written once when the cycle starts to close
//	inflight/<cycle>/<host>-<report>.json          a report being stored (deleted when stored)
//	facts/<cycle>/<host>/<report>.json             facts document (write-once evidence)
//	results/<cycle>/<host>/<report>.json           evaluated results (write-once evidence)
//	scorecards/<cycle>/fleet.json                  fleet scorecard
//	scorecards/<cycle>/hosts/<host>.json           host scorecard
//	org/<kind>/<version>.<ext>                     organisation data, one object per version (write-once)
//	org/<kind>/current.json                        pointer to the current version
//	audit/<yyyy>/<mm>/<dd>/<timestamp>-<writer>-<seq>.json  audit log entry (write-once evidence)
//	auth/tokens/<hash>.json                        token, by SHA-256 of its secret (auth.go)
//	auth/enroll/<hash>.json                        enroll secret, by SHA-256 of the secret
//	index/machines/<hash>.json                     host enrolled with a machine ID, by SHA-256 of the ID
//
// where <host> is a HostID ("h_" and 20 lowercase hex digits, assigned by
// the server at enrollment), <cycle> a CycleID (the cycle's scheduled time
// in UTC to the minute, "2026-11-20T1200Z"), <report> a ReportID (32
// lowercase hex digits, as facts.NewReportID makes), <kind> an OrgKind,
// <version> an OrgVersion ("20261120T120000Z-1a2b3c4d"), <ext> a Format
// and <hash> a Hash (64 lowercase hex digits; secrets never appear in keys).
// Audit timestamps have fixed width ("20261120T120000.000000000Z"), so
// entries list in time order; <writer> is a WriterID ("w_" and 16
// lowercase hex digits, one per server or command process) and <seq> the
// entry's place in that writer's chain, 20 decimal digits.
//
// # Why cycle-first, and how decommissioning finds a host
//
// The hot paths are per cycle: ingest writes one facts and one results
// object per host per cycle, and scoring lists a whole cycle (100,000
// hosts) with one paginated listing of facts/<cycle>/ or
// results/<cycle>/. A host-first layout would need one listing per host
// for that. Decommissioning one host is rare: it lists cycles/ (one small
// object per cycle) and, per cycle, the prefixes HostData returns, each a
// listing that returns only that host's few objects. That is two listings
// and one key per cycle, with nothing else to keep consistent. A separate
// per-host index was rejected: it doubles the writes at ingest, and an
// index entry lost in a crash would leave personal data behind after a
// decommission that claimed to be complete. The invariant that makes the
// cycle listing complete: the server writes cycles/<cycle>.json before it
// accepts any object for that cycle, and deletes it only after the
// cycle's objects.
package objkey
