package s3store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/auditfleet/auditfleet/server/store"
)

// ErrMissingFeature means the endpoint lacks, or only pretends to have, a
// feature the server relies on; Probe wraps it with the feature's name.
var ErrMissingFeature = errors.New("the S3 endpoint lacks a feature the server relies on")

// ProbePrefix is where Probe writes its scratch keys (and deletes them).
const ProbePrefix = "probe/"

// probeKeys are stored by Probe to learn the endpoint's listing order.
// They are in byte order, which is neither the order of a depth-first walk
// of folders ("c/" before "c-d"), nor a case-insensitive or locale order,
// nor SeaweedFS's order in versioned buckets (where "é" lists first and
// "a:b" before "a b").
var probeKeys = []string{
	"o/A", "o/a", "o/a b", "o/a%2f", "o/a-b", "o/a.b", "o/a0", "o/a:b",
	"o/ab/c", "o/b", "o/c-d", "o/c/d", "o/z~", "o/é",
}

// Probe checks, on scratch keys under ProbePrefix that it removes again,
// that the endpoint does what the store relies on:
//
//   - SHA-256 checksums: the endpoint stores x-amz-checksum-sha256 and
//     returns it;
//   - conditional create: a second PUT with If-None-Match: * fails;
//   - conditional update: a PUT with a stale If-Match fails and one with
//     the current entity tag succeeds;
//   - versioning, if the bucket has it on: both versions of a key written
//     twice are kept;
//   - legal hold, if the bucket has object lock: a hold is kept and read
//     back, and the answer for a version without one is recognised;
//   - listing order: whether the endpoint lists in byte order; if it does
//     not, List walks the bucket a folder level at a time (and Probe
//     warns, as that costs a request per folder).
//
// A missing required feature is an error wrapping ErrMissingFeature that
// names it; the server must not start. Optional features the bucket lacks
// (versioning, object lock) are returned as warnings.
func (s *Store) Probe(ctx context.Context) (warnings []string, err error) {
	scratch := fmt.Sprintf("%s%s/", ProbePrefix, randomHex(8))
	var written []string
	defer func() {
		for _, k := range written {
			if derr := s.Delete(ctx, k); derr != nil && !errors.Is(derr, store.ErrNotFound) {
				warnings = append(warnings, fmt.Sprintf("probe: could not remove scratch key %s: %v", k, derr))
			}
		}
	}()
	put := func(key, data string, opts store.PutOptions) (store.Object, error) {
		o, err := s.Put(ctx, key, strings.NewReader(data), int64(len(data)), opts)
		if err == nil && !slices.Contains(written, key) {
			written = append(written, key)
		}
		return o, err
	}
	feature := func(name, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrMissingFeature, name, fmt.Sprintf(format, args...))
	}

	key := scratch + "k"
	first, err := put(key, "one", store.PutOptions{IfAbsent: true})
	switch {
	case errors.Is(err, store.ErrChecksum):
		return warnings, feature("SHA-256 checksums (x-amz-checksum-sha256)", "%v", err)
	case err != nil:
		return warnings, fmt.Errorf("probe: put %s: %w", key, err)
	}
	switch _, err := put(key, "two", store.PutOptions{IfAbsent: true}); {
	case err == nil:
		return warnings, feature("conditional create (If-None-Match: *)", "a second PUT of %s with If-None-Match: * replaced the object instead of failing with 412 Precondition Failed", key)
	case !errors.Is(err, store.ErrExists):
		return warnings, feature("conditional create (If-None-Match: *)", "a second PUT of %s with If-None-Match: * failed with %v, want 412 Precondition Failed", key, err)
	}
	stale := strings.Repeat("0", 32)
	switch _, err := put(key, "stale", store.PutOptions{IfMatch: stale}); {
	case err == nil:
		return warnings, feature("conditional update (If-Match)", "a PUT of %s with If-Match of an entity tag it does not have replaced the object instead of failing with 412 Precondition Failed", key)
	case !errors.Is(err, store.ErrChanged):
		return warnings, feature("conditional update (If-Match)", "a PUT of %s with a stale If-Match failed with %v, want 412 Precondition Failed", key, err)
	}
	if _, err := put(key, "two", store.PutOptions{IfMatch: first.ETag}); err != nil {
		return warnings, feature("conditional update (If-Match)", "a PUT of %s with If-Match of its current entity tag %s failed: %v", key, first.ETag, err)
	}

	v, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if err != nil {
		return warnings, fmt.Errorf("probe: versioning of bucket %s: %w", s.bucket, mapErr(ctx, err))
	}
	if v.Enabled() {
		vs, err := s.versions(ctx, key)
		if err != nil {
			return warnings, fmt.Errorf("probe: versions of %s: %w", key, err)
		}
		if len(vs) < 2 {
			return warnings, feature("versioning", "bucket %s says versioning is enabled but kept %d version(s) of %s, written twice", s.bucket, len(vs), key)
		}
	} else {
		warnings = append(warnings, fmt.Sprintf("versioning: off on bucket %s (%q): an overwritten object is not kept; enable versioning or object lock", s.bucket, v.Status))
	}

	locked, err := s.objectLock(ctx)
	if err != nil {
		return warnings, fmt.Errorf("probe: %w", err)
	}
	if locked {
		if err := s.probeLegalHold(ctx, scratch, put, feature); err != nil {
			return warnings, err
		}
	} else {
		warnings = append(warnings, fmt.Sprintf("object lock and legal hold: bucket %s has no object lock: legal holds are refused and retention is not enforced", s.bucket))
	}

	ordered, err := s.probeListOrder(ctx, scratch, put)
	if err != nil {
		return warnings, err
	}
	if ordered {
		s.listing.Store(int32(listFlat))
	} else {
		s.listing.Store(int32(listWalk))
		warnings = append(warnings, fmt.Sprintf("listing: the endpoint does not list bucket %s in byte order as S3 requires; listings walk the bucket one folder at a time (one request per folder)", s.bucket))
	}
	return warnings, nil
}

// probeLegalHold places a legal hold at write time, reads it back, and
// checks that the answer for a version without one is understood (the
// answer Delete reads before it removes anything).
func (s *Store) probeLegalHold(ctx context.Context, scratch string, put func(string, string, store.PutOptions) (store.Object, error), feature func(string, string, ...any) error) error {
	const name = "object lock and legal hold"
	plain := scratch + "k"
	vs, err := s.versions(ctx, plain)
	if err != nil {
		return fmt.Errorf("probe: versions of %s: %w", plain, err)
	}
	if err := s.checkDeletable(ctx, plain, vs); err != nil {
		return feature(name, "reading the legal hold and retention of %s, which has neither: %v", plain, err)
	}
	held := scratch + "held"
	o, err := put(held, "held", store.PutOptions{LegalHold: true})
	if err != nil {
		return feature(name, "a PUT of %s with a legal hold failed: %v", held, err)
	}
	hold, err := s.client.GetObjectLegalHold(ctx, s.bucket, held, minio.GetObjectLegalHoldOptions{VersionID: o.VersionID})
	if err != nil || hold == nil || *hold != minio.LegalHoldEnabled {
		return feature(name, "the legal hold put on %s reads back as %v (%v), want ON", held, hold, err)
	}
	if err := s.SetLegalHold(ctx, held, false); err != nil {
		return feature(name, "lifting the legal hold on %s: %v", held, err)
	}
	return nil
}

// probeListOrder stores probeKeys and reports whether the endpoint lists
// them in byte order.
func (s *Store) probeListOrder(ctx context.Context, scratch string, put func(string, string, store.PutOptions) (store.Object, error)) (bool, error) {
	for _, k := range probeKeys {
		if _, err := put(scratch+k, k, store.PutOptions{}); err != nil {
			return false, fmt.Errorf("probe: %w", err)
		}
	}
	var got []string
	for info := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: scratch + "o/", Recursive: true}) {
		if info.Err != nil {
			return false, fmt.Errorf("probe: list %s: %w", scratch+"o/", mapErr(ctx, info.Err))
		}
		got = append(got, strings.TrimPrefix(info.Key, scratch))
	}
	if len(got) != len(probeKeys) {
		return false, fmt.Errorf("%w: listing: a listing of %so/ returned %q, want the %d keys %q", ErrMissingFeature, scratch, got, len(probeKeys), probeKeys)
	}
	return slices.Equal(got, probeKeys), nil
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported systems
	return hex.EncodeToString(b)
}
