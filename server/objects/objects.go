package objects

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"

	"github.com/auditfleet/auditfleet/store"
)

// Store is the storage the server needs: store/dirstore and store/s3store
// implement it.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error)
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
	Stat(ctx context.Context, key string) (store.Object, error)
	List(ctx context.Context, prefix string) iter.Seq2[store.Object, error]
	Delete(ctx context.Context, key string) error
	Check(ctx context.Context) (store.BucketState, error)
}

// MaxDocBytes bounds a JSON document read back from storage.
const MaxDocBytes = 64 << 20

// PutJSON stores v as indented JSON under key.
func PutJSON(ctx context.Context, s Store, key string, v any, opts store.PutOptions) (store.Object, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return store.Object{}, fmt.Errorf("encode %s: %w", key, err)
	}
	return PutBytes(ctx, s, key, b, opts)
}

// PutBytes stores b under key as JSON content.
func PutBytes(ctx context.Context, s Store, key string, b []byte, opts store.PutOptions) (store.Object, error) {
	if opts.ContentType == "" {
		opts.ContentType = "application/json"
	}
	o, err := s.Put(ctx, key, bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		return store.Object{}, fmt.Errorf("store %s: %w", key, err)
	}
	return o, nil
}

// GetJSON reads the JSON document at key into v.
func GetJSON(ctx context.Context, s Store, key string, v any) (store.Object, error) {
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
func GetBytes(ctx context.Context, s Store, key string) ([]byte, store.Object, error) {
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
