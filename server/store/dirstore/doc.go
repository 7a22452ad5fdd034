// Package dirstore is the local-directory storage backend, the server's
// embedded default for single-machine use. It implements the contract of
// package store (checked by server/store/internal/storetest).
//
// # On disk
//
//	<root>/dirstore.json     format marker: {"format":"auditfleet-dirstore","version":1}
//	<root>/objects/...       one file per object
//	<root>/holds/...         legal-hold markers, the sidecar tree
//	<root>/tmp/              files being written
//	<root>/locks/            lock files for conditional writes, 64 stripes
//
// A key's segments become directories and the last one a file. Each
// segment is escaped so the name is portable and unambiguous: a-z, 0-9,
// "-", "_" and "." stay as they are, every other byte (upper case letters,
// "~", "%", spaces, non-ASCII) becomes "%XX", as do a trailing "." and the
// first letter of a Windows device name (con, nul, com1, …). Object files
// end in "~", which no escaped name contains, so "a/b" (file "a/b~") and
// "a/b/c" (directory "a/b") coexist as they do on S3, and no file under
// objects/ or holds/ can be mistaken for another. Names never differ only
// by case, so case-insensitive file systems (macOS, Windows) are safe. A
// segment whose escaped name exceeds 255 bytes is refused as an invalid
// key.
//
// An object file starts with a fixed 1,024-byte header, "AFDS1\n" and a
// JSON line holding the SHA-256, size, content type, write-once flag and
// retention date, padded with spaces; the object's bytes follow. Keeping
// checksum and bytes in one file makes every write a single atomic rename
// or link, so concurrent writers can never leave a checksum that belongs
// to another writer's bytes. The legal hold is mutable, so it lives in the
// sidecar tree: holds/<escaped key>~ exists while the object is held.
//
// # Writes
//
// Put writes the header placeholder and the bytes to a temporary file in
// tmp/ (same file system), hashing them, fills in the header, fsyncs, and
// then renames the file over the key (a plain Put) or hard-links it to the
// key (a write-once Put: link fails if the key exists, so of concurrent
// writers exactly one wins, across processes too), and fsyncs the
// directory. On Windows os.Rename replaces the target (MoveFileEx with
// MOVEFILE_REPLACE_EXISTING) and os.Link makes an NTFS hard link; a file
// open for reading there cannot be replaced or deleted until it is
// closed, and directories are not fsynced. The file system must support
// hard links (FAT does not).
//
// Objects written write-once or with a retention date in the future are
// never overwritten, even by a plain Put (there are no versions to keep
// the old bytes): such a Put fails with store.ErrExists, and a Put over a
// held object with store.ErrLegalHold. Delete honours legal holds and, like
// a governance-mode bypass on S3, ignores retention, so decommissioning
// can delete.
//
// Each write gives the object a new random revision, kept in its header:
// the object's ETag. A conditional Put (store.PutOptions.IfMatch) and
// every plain Put, Delete and SetLegalHold check what is there under a
// per-key lock, held within the process (a mutex) and across processes
// (flock, LockFileEx on Windows, on one of 64 files in locks/), so the
// check and the rename that follows are one step for every writer of the
// directory. IfAbsent creates the key by hard link, like a write-once Put,
// but leaves it mutable.
//
// # Listing
//
// List walks the tree depth-first, reading one directory's names at a
// time and ordering them as their keys order (a directory "a" sorts as
// "a/"), so keys come out in byte order without any index. Memory is
// bounded by the names of the directories on the current path, not by the
// number of objects under the prefix. Names that are not canonical
// escapes (files left by other programs) are skipped.
//
// # Permissions
//
// Directories are created 0700 and files 0600. Check reports the store as
// public, like a public bucket, if the root, objects/ or holds/ is
// readable, writable or searchable by others (on Windows the ACL is not
// inspected).
package dirstore
