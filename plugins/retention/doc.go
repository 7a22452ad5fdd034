// Package retention is the "retention" collector and its facts namespace,
// the contract with the ICO-RET-01 policy (retention and true deletion).
//
// For each personal-data store declared in its options it walks the
// store's directory through the host root and reports the oldest live
// item, how many live items are past the retention period plus grace,
// and how many items carry the store's soft-delete marker beyond the
// purge window (see Facts). Its JSON Schema is
// schemas/retention.schema.json.
//
// # Options
//
// The stores are declared with the fields of the organisation's
// data_stores register (package orgdata), so a register entry can be
// copied as it is; hosts and personal_data are accepted and ignored:
//
//	{
//	  "stores": [{"id": "complaints", "path": "/srv/complaints",
//	              "retention_days": 730, "grace_days": 30,
//	              "soft_delete_marker": ".deleted", "purge_days": 30}],
//	  "max_files": 200000
//	}
//
// id and path (clean and absolute) are required; retention_days is
// 1..36525 (without it nothing is counted past retention, with a
// warning); grace_days and purge_days are 0..3650 and default to 30, as
// the policies' thresholds do. max_files (1..10,000,000, default
// 200,000) bounds the directory entries walked per store. Unknown fields
// and invalid values are warnings: an invalid store is left out of the
// facts, so the policy reports it as not checked.
//
// # The walk
//
// Only directory listings and lstat information are used: no file is
// opened for reading. Symbolic links inside a store are never followed
// and are not items; a symbolic link at the store's own path is followed
// within the host root. Items are regular files; their age is their
// modification time. A store path that does not exist is a store with
// exists false. When the walk reaches max_files entries (files,
// directories and links), or a directory cannot be listed, the store is
// reported as truncated with a warning: its counts are lower bounds.
//
// # Soft-delete markers
//
// With a soft_delete_marker such as ".deleted", a regular file
// "<name>.deleted" marks an item as soft-deleted in one of two ways:
//
//   - beside a regular file "<name>" in the same directory, it is a
//     marker file: "<name>" is a soft-deleted item (not a live one),
//     marked at the marker's modification time;
//   - alone, it is the item itself, renamed on deletion: it was marked
//     when renamed, which is read as its inode change time on Linux and
//     macOS (a rename updates it) and as its modification time elsewhere.
//
// A file named exactly the marker is a live item. Without a marker every
// regular file is a live item.
package retention
