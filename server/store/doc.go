// Package store is the server's object storage: the Backend interface
// every backend implements, its vocabulary (Object, PutOptions, the
// sentinel errors, key validation, the BucketState a backend reports on
// start) and JSON helpers over it (PutJSON, GetJSON). The backends live in
// dirstore (a local directory) and s3store (any S3-compatible endpoint);
// internal/storetest is the conformance suite both pass. The object layout
// is package objkey.
//
// # The backend contract
//
// Backend has this method set, and internal/storetest checks it:
//
//	Put(ctx, key, r io.Reader, size int64, opts PutOptions) (Object, error)
//	Get(ctx, key) (io.ReadCloser, Object, error)
//	Stat(ctx, key) (Object, error)
//	List(ctx, prefix) iter.Seq2[Object, error]
//	Delete(ctx, key) error
//	SetLegalHold(ctx, key, on bool) error
//	Check(ctx) (BucketState, error)
//
// Put stores exactly size bytes read from r (size -1: until EOF), computing
// their SHA-256 while it writes, verifies that what was stored has that
// checksum and returns it in Object.SHA256; a mismatch is ErrChecksum and
// a reader shorter or longer than size is an error. With
// PutOptions.WriteOnce the write is conditional: if the key exists, Put
// returns ErrExists and the stored bytes are untouched, and of several
// concurrent writers of one key exactly one succeeds.
//
// Mutable records (host registry entries, counters) are changed by
// compare-and-swap: Put, Get and Stat return the object's ETag, and a Put
// with PutOptions.IfMatch set to it succeeds only if no other writer has
// changed the key since (ErrChanged otherwise, ErrNotFound if it is gone);
// PutOptions.IfAbsent creates a key only if it does not exist (ErrExists).
// Of concurrent conditional writers exactly one succeeds. On S3 these are
// the If-Match and If-None-Match: * headers of PutObject; the directory
// store checks the revision it keeps in the object's header under a lock
// that holds across processes.
//
// Get returns a reader that verifies the SHA-256 of the bytes as it reaches
// EOF and returns ErrChecksum instead of io.EOF if they differ from the
// checksum recorded at Put. Stat describes a key without reading it.
//
// List yields the objects whose keys start with prefix (a plain string
// prefix, not a directory), in ascending byte order of key, a page at a
// time: it never holds the whole prefix in memory, and stops early when the
// caller stops ranging. An error is yielded once, last. Objects yielded by
// List carry Key, Size and LastModified; SHA256 and ContentType may be
// empty (S3 listings do not return them): Stat or Get fill them.
//
// Delete removes every version of a key, including delete markers, so the
// bytes are truly gone; it refuses with ErrLegalHold, deleting nothing, if
// any version is under legal hold. Governance-mode retention does not stop
// Delete (the backends bypass it: decommissioning must be able to delete);
// compliance-mode retention does, with ErrRetained.
//
// A key must not also be a directory of another key ("a" and "a/b"):
// S3 allows it but MinIO silently hides one of the two, so the contract
// leaves it undefined. The layout in package objkey never does it: every
// object key ends in a file extension, no prefix does.
//
// Get, Stat, Delete and SetLegalHold of a missing key return ErrNotFound.
// Every method validates its key with ValidKey (List: ValidPrefix) before
// any I/O and returns ErrInvalidKey for a bad one. Every method returns the
// context's error promptly once ctx is done.
//
// Check reports the state of the bucket (or directory): whether it exists,
// its versioning and object-lock state, and whether anyone anonymous could
// read or list it. BucketState.Usable turns that into the error that must
// stop the server from starting.
package store
