package store

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors every backend returns (wrapped with the key and the
// operation), so callers can test them with errors.Is.
var (
	// ErrNotFound means the key (or bucket) does not exist.
	ErrNotFound = errors.New("object not found")
	// ErrExists means a write-once Put found the key already present.
	ErrExists = errors.New("object already exists and is write-once")
	// ErrInvalidKey means a key or prefix failed ValidKey or ValidPrefix.
	ErrInvalidKey = errors.New("invalid object key")
	// ErrChecksum means stored bytes do not match their SHA-256.
	ErrChecksum = errors.New("object checksum mismatch")
	// ErrLegalHold means a version of the object is under legal hold.
	ErrLegalHold = errors.New("object is under legal hold")
	// ErrRetained means compliance-mode retention forbids the deletion.
	ErrRetained = errors.New("object is under compliance retention")
	// ErrPublicBucket means anonymous users could read or list the bucket.
	ErrPublicBucket = errors.New("bucket is publicly readable or listable")
	// ErrChanged means a conditional Put (PutOptions.IfMatch) found the
	// object changed since the caller read it: read it again and retry.
	ErrChanged = errors.New("object changed since it was read")
)

// Object describes one stored object (the current version of a key).
type Object struct {
	// Key is the object's key.
	Key string `json:"key"`
	// Size is the length of the object in bytes.
	Size int64 `json:"size"`
	// SHA256 is the lowercase hex SHA-256 of the object's bytes; it may be
	// empty in objects yielded by List.
	SHA256 string `json:"sha256,omitempty"`
	// ContentType is the media type given at Put; it may be empty in
	// objects yielded by List.
	ContentType string `json:"content_type,omitempty"`
	// LastModified is when this version was written.
	LastModified time.Time `json:"last_modified"`
	// VersionID identifies the version on a versioned bucket; empty where
	// the backend keeps no versions.
	VersionID string `json:"version_id,omitempty"`
	// ETag identifies this revision of the object's content: Put, Get and
	// Stat return it, and PutOptions.IfMatch takes it back. It is opaque
	// (S3's entity tag without quotes; a random revision on the directory
	// store) and may be empty in objects yielded by List.
	ETag string `json:"etag,omitempty"`
}

// PutOptions control how Put stores an object.
type PutOptions struct {
	// ContentType is the media type stored with the object; empty means
	// application/octet-stream.
	ContentType string
	// WriteOnce makes the write conditional: it fails with ErrExists if
	// the key already exists, and exactly one of several concurrent
	// writers of the key succeeds. Evidence (facts, results, audit log)
	// is always written this way.
	WriteOnce bool
	// Retain, if not zero, protects the object from deletion and
	// overwrite until that time where the backend supports it (object
	// lock retention on S3; the directory store refuses to overwrite).
	Retain time.Time
	// LegalHold places the object under legal hold as it is written.
	LegalHold bool
	// IfMatch, when not empty, makes the write conditional on the key's
	// current revision: it succeeds only if the key's ETag is still
	// IfMatch, fails with ErrChanged if another writer changed it
	// meanwhile and with ErrNotFound if it was deleted. This is how a
	// mutable record is read, changed and written back without undoing a
	// concurrent writer's change (read, change, Put with IfMatch, and on
	// ErrChanged start again).
	IfMatch string
	// IfAbsent makes the write conditional on the key not existing: it
	// fails with ErrExists if it does, and of several concurrent writers
	// exactly one succeeds. Unlike WriteOnce the object stays mutable
	// (by Puts with IfMatch).
	IfAbsent bool
}

// DefaultContentType is the content type of objects stored without one.
const DefaultContentType = "application/octet-stream"

// Versioning is the versioning state of a bucket.
type Versioning string

// The versioning states a bucket can be in.
const (
	VersioningEnabled   Versioning = "enabled"
	VersioningSuspended Versioning = "suspended"
	VersioningOff       Versioning = "off"
)

// BucketState is what a backend's Check found about its bucket or
// directory.
type BucketState struct {
	// Name names the bucket (or the directory) checked.
	Name string `json:"name"`
	// Exists reports whether the bucket or directory exists.
	Exists bool `json:"exists"`
	// Versioning is the bucket's versioning state.
	Versioning Versioning `json:"versioning"`
	// ObjectLock reports whether legal holds and retention are enforced
	// (S3 object lock; always true for the directory store).
	ObjectLock bool `json:"object_lock"`
	// Public reports whether anyone anonymous could read or list objects.
	Public bool `json:"public"`
	// PublicReason says why Public is true (the statement, or the mode).
	PublicReason string `json:"public_reason,omitempty"`
}

// Usable returns the error that must stop the server from starting on this
// bucket: it does not exist (ErrNotFound), or it is public
// (ErrPublicBucket, with the reason).
func (s BucketState) Usable() error {
	if !s.Exists {
		return fmt.Errorf("bucket %s: %w", s.Name, ErrNotFound)
	}
	if s.Public {
		return fmt.Errorf("bucket %s: %w: %s", s.Name, ErrPublicBucket, s.PublicReason)
	}
	return nil
}

// Warnings lists weaknesses that do not stop the server but that an
// operator should fix, e.g. a bucket with neither versioning nor object
// lock, where an overwritten or deleted object cannot be recovered.
func (s BucketState) Warnings() []string {
	var w []string
	if s.Exists && !s.ObjectLock && s.Versioning != VersioningEnabled {
		w = append(w, fmt.Sprintf("bucket %s has versioning %s and no object lock: an overwritten or deleted object cannot be recovered; enable versioning or object lock", s.Name, s.Versioning))
	}
	return w
}
