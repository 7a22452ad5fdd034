package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
)

// Backend is the object storage the server needs, the one interface every
// backend implements (dirstore, s3store) and the conformance suite
// (internal/storetest) checks, as the package documentation describes.
type Backend interface {
	// Put stores size bytes of r (-1: until EOF) under key, checksummed.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (Object, error)
	// Get opens key; the reader verifies the checksum at EOF.
	Get(ctx context.Context, key string) (io.ReadCloser, Object, error)
	// Stat describes key.
	Stat(ctx context.Context, key string) (Object, error)
	// List yields the objects under prefix in key order.
	List(ctx context.Context, prefix string) iter.Seq2[Object, error]
	// Delete removes every version of key unless it is held.
	Delete(ctx context.Context, key string) error
	// SetLegalHold places or lifts a legal hold on key.
	SetLegalHold(ctx context.Context, key string, on bool) error
	// Check reports the state of the bucket or directory.
	Check(ctx context.Context) (BucketState, error)
}

// MaxDocBytes bounds a JSON document read back from storage.
const MaxDocBytes = 64 << 20

// PutJSON stores v as indented JSON under key.
func PutJSON(ctx context.Context, s Backend, key string, v any, opts PutOptions) (Object, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return Object{}, fmt.Errorf("encode %s: %w", key, err)
	}
	return PutBytes(ctx, s, key, b, opts)
}

// PutBytes stores b under key as JSON content.
func PutBytes(ctx context.Context, s Backend, key string, b []byte, opts PutOptions) (Object, error) {
	if opts.ContentType == "" {
		opts.ContentType = "application/json"
	}
	o, err := s.Put(ctx, key, bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		return Object{}, fmt.Errorf("store %s: %w", key, err)
	}
	return o, nil
}

// GetJSON reads the JSON document at key into v.
func GetJSON(ctx context.Context, s Backend, key string, v any) (Object, error) {
	b, o, err := GetBytes(ctx, s, key)
	if err != nil {
		return o, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return o, fmt.Errorf("decode %s: %w", key, err)
	}
	return o, nil
}

// GetBytes reads the object at key, verifying its checksum.
func GetBytes(ctx context.Context, s Backend, key string) ([]byte, Object, error) {
	rc, o, err := s.Get(ctx, key)
	if err != nil {
		return nil, o, fmt.Errorf("read %s: %w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxDocBytes+1))
	if err != nil {
		return nil, o, fmt.Errorf("read %s: %w", key, err)
	}
	if len(b) > MaxDocBytes {
		return nil, o, fmt.Errorf("read %s: larger than %d bytes", key, MaxDocBytes)
	}
	return b, o, nil
}
