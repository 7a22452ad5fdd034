// Package tamper changes stored objects behind a store's back, as someone
// with write access to the directory or the bucket could: it rewrites an
// object's bytes together with the SHA-256 the store keeps for them, so
// the store's own checksum still matches, or damages the bytes without
// it. Tests of the audit log's tamper evidence use it on both backends.
package tamper
