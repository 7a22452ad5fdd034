package s3store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/auditfleet/auditfleet/server/store"
)

// listMode says how List reads the bucket.
type listMode int32

const (
	// listWalk lists one folder level at a time (delimiter "/") and sorts
	// each level before descending into it, so the order never depends on
	// the endpoint's. It is the mode until Probe has shown that the
	// endpoint lists in byte order: one request per folder, where listFlat
	// needs one per 1,000 keys.
	listWalk listMode = iota
	// listFlat is one recursive listing, streamed in the endpoint's order,
	// which Probe has seen to be byte order as S3 requires; a key out of
	// order fails the listing rather than being yielded, and switches the
	// store to listWalk.
	listFlat
)

// List yields the objects whose keys start with prefix, in ascending byte
// order of their keys. The objects carry Key, Size, LastModified,
// VersionID and ETag.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[store.Object, error] {
	return func(yield func(store.Object, error) bool) {
		if err := store.ValidPrefix(prefix); err != nil {
			yield(store.Object{}, fmt.Errorf("list %q: %w", prefix, err))
			return
		}
		if err := ctx.Err(); err != nil {
			yield(store.Object{}, fmt.Errorf("list %q: %w", prefix, err))
			return
		}
		lctx, cancel := context.WithCancel(ctx)
		defer cancel() // stops a listing if the caller stops early
		var err error
		if listMode(s.listing.Load()) == listFlat {
			err = s.listFlat(lctx, prefix, yield)
		} else {
			err = s.listWalk(lctx, prefix, yield)
		}
		if errors.Is(err, errStopped) {
			return
		}
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			yield(store.Object{}, fmt.Errorf("list %q: %w", prefix, mapErr(ctx, err)))
		}
	}
}

// errStopped reports that the caller of List stopped early.
var errStopped = errors.New("listing stopped by its caller")

// listFlat yields the endpoint's recursive listing of prefix, checking
// that the keys ascend.
func (s *Store) listFlat(ctx context.Context, prefix string, yield func(store.Object, error) bool) error {
	prev := ""
	for info := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if info.Err != nil {
			return info.Err
		}
		if prev != "" && info.Key <= prev {
			// What was yielded cannot be taken back, so this listing
			// fails; every later one walks.
			s.listing.Store(int32(listWalk))
			return fmt.Errorf("endpoint listed %q after %q, not in the byte order S3 requires; later listings walk the bucket folder by folder", info.Key, prev)
		}
		prev = info.Key
		if !yield(listed(info), nil) {
			return errStopped
		}
	}
	return nil
}

// listWalk yields the keys under prefix level by level: it lists the
// objects and common prefixes directly under prefix (delimiter "/"),
// sorts them, and yields each object or walks each common prefix in turn.
// All keys below a common prefix "p/" sort together, between the keys
// before "p/" and after it, so each level is the only thing to sort.
func (s *Store) listWalk(ctx context.Context, prefix string, yield func(store.Object, error) bool) error {
	var level []minio.ObjectInfo
	for info := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix}) {
		if info.Err != nil {
			return info.Err
		}
		level = append(level, info)
	}
	slices.SortFunc(level, func(a, b minio.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	for i, info := range level {
		if i > 0 && info.Key == level[i-1].Key {
			continue // an endpoint that repeats an entry across pages
		}
		if strings.HasSuffix(info.Key, "/") { // a common prefix: no valid key ends in "/"
			if err := s.listWalk(ctx, info.Key, yield); err != nil {
				return err
			}
			continue
		}
		if !yield(listed(info), nil) {
			return errStopped
		}
	}
	return nil
}

// listed converts an entry of a listing.
func listed(info minio.ObjectInfo) store.Object {
	return store.Object{Key: info.Key, Size: info.Size, LastModified: info.LastModified.UTC(), VersionID: info.VersionID, ETag: unquote(info.ETag)}
}
