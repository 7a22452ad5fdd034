package dirstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/auditfleet/auditfleet/server/store"
)

// entry is one name in a directory of the objects tree.
type entry struct {
	name string // on disk
	seg  string // the key segment it stands for
	dir  bool
}

// sortKey orders entries as their keys order: a directory "a" holds keys
// "a/...", so it sorts as "a/".
func (e entry) sortKey() string {
	if e.dir {
		return e.seg + "/"
	}
	return e.seg
}

// List yields the objects whose keys start with prefix, in key order. The
// objects carry Key, Size and LastModified.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[store.Object, error] {
	return func(yield func(store.Object, error) bool) {
		if err := store.ValidPrefix(prefix); err != nil {
			yield(store.Object{}, fmt.Errorf("list %q: %w", prefix, err))
			return
		}
		dir, keyDir, partial, err := relDir(prefix)
		if err != nil {
			yield(store.Object{}, fmt.Errorf("list %q: %w", prefix, err))
			return
		}
		w := walker{ctx: ctx, yield: yield}
		if err := w.walk(filepath.Join(s.objects, dir), keyDir, partial); err != nil && !errors.Is(err, errStop) {
			yield(store.Object{}, fmt.Errorf("list %q: %w", prefix, err))
		}
	}
}

// errStop ends a walk when the caller stops ranging.
var errStop = errors.New("stop")

type walker struct {
	ctx   context.Context
	yield func(store.Object, error) bool
}

// walk yields, in key order, the objects under dir (whose keys start with
// keyDir) whose segment at this level starts with partial.
func (w *walker) walk(dir, keyDir, partial string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	entries, err := readEntries(dir, partial)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil // nothing under this prefix, removed while walking, or a stray file
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		path := filepath.Join(dir, e.name)
		if e.dir {
			if err := w.walk(path, keyDir+e.seg+"/", ""); err != nil {
				return err
			}
			continue
		}
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted while walking
		}
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() || fi.Size() < headerSize {
			continue // not an object file
		}
		obj := store.Object{Key: keyDir + e.seg, Size: fi.Size() - headerSize, LastModified: fi.ModTime().UTC()}
		if !w.yield(obj, nil) {
			return errStop
		}
	}
	return nil
}

// readEntries reads the names in dir that stand for key segments starting
// with partial, in key order. Only names are read (no stat per entry):
// a name ending in fileSuffix is an object, any other a directory.
func readEntries(dir, partial string) ([]entry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	entries := make([]entry, 0, len(names))
	for _, name := range names {
		base, isFile := strings.CutSuffix(name, fileSuffix)
		seg, ok := unescape(base)
		if !ok || !strings.HasPrefix(seg, partial) {
			continue
		}
		entries = append(entries, entry{name: name, seg: seg, dir: !isFile})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.sortKey(), b.sortKey()) })
	return entries, nil
}
