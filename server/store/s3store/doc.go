// Package s3store is the S3 storage backend: any S3-compatible endpoint
// (AWS S3, MinIO, SeaweedFS, Ceph RGW) through minio-go. It implements the
// contract of package store, checked by server/store/internal/storetest
// against a real MinIO and a real SeaweedFS.
//
// Probe checks on scratch keys that the endpoint has what the store
// relies on (SHA-256 checksums, If-None-Match and If-Match on PUT,
// versioning and legal holds where the bucket has them) and learns whether
// it lists keys in byte order. List yields keys in byte order whatever the
// endpoint does: one flat listing, checked as it streams, where the probe
// saw byte order, otherwise a walk of one folder level at a time, each
// level sorted.
//
// Writes are single PUTs (objects up to 5 GiB) that carry a SHA-256
// trailing checksum (x-amz-checksum-sha256), which the endpoint verifies
// and stores; Put compares the checksum the endpoint returns with its own.
// Get asks for the stored checksum and verifies the bytes against it at
// EOF. A write-once Put sends If-None-Match: *, so the endpoint refuses it
// (412) if the key exists, and of concurrent writers exactly one wins, on
// any number of server replicas.
//
// Retention: on a bucket with object lock, Put sets the retention date of
// PutOptions.Retain in the configured mode (governance by default). Delete
// bypasses governance retention, so decommissioning works; compliance
// retention makes it fail with store.ErrRetained. On a bucket without
// object lock, Retain is ignored and versioning keeps overwritten
// versions; legal holds are refused there with errors.ErrUnsupported.
// Delete removes every version and delete marker of the key, after
// checking that none is under legal hold. SetLegalHold places or lifts the
// hold on every version.
//
// Check reads the bucket's existence, versioning, object-lock
// configuration and policy. The policy is parsed here, not with
// minio-go's policy helper (which reports an anonymous s3:GetObject grant
// without s3:GetBucketLocation as no access at all): any Allow statement
// whose principal is anonymous ("*", {"AWS": "*"}, any principal with a
// wildcard, or a NotPrincipal) and whose actions reach objects (read,
// list, write or delete: anything but s3:GetBucketLocation, and any
// NotAction) makes the bucket public, whatever its Resource or Condition.
package s3store
