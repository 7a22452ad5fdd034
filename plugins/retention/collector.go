package retention

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/dirlist"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// Collector is the "retention" collector.
type Collector struct {
	// now is the collection time; time.Now when nil.
	now func() time.Time
	// ctime is when a renamed item was marked deleted; changeTime when nil.
	ctime func(fs.FileInfo) time.Time
	// open opens a host directory for listing; the host root's Open when
	// nil. Tests use it to make a directory fail to open, which running as
	// root cannot do with file modes.
	open func(root *hostroot.Root, name string) (*os.File, error)
}

// New returns the "retention" collector.
func New() *Collector { return &Collector{} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector; it does not read the host.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "retention", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect walks every store declared in req.Options under req.Root. Bad
// options, unreadable stores and directories are warnings; it fails only
// without a host root or when ctx ends.
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect retention: no host root")
	}
	ctime := changeTime
	if c.ctime != nil {
		ctime = c.ctime
	}
	opts, ow := parseOptions(req.Options)
	warns := sdk.Warnings(ow)
	open := c.open
	if open == nil {
		open = (*hostroot.Root).Open
	}
	w := &walker{root: req.Root, now: req.Time(c.now), ctime: ctime, maxEntries: opts.MaxFiles, open: open}
	facts := Facts{Stores: make([]Store, 0, len(opts.Stores))}
	for _, spec := range opts.Stores {
		s, ok, err := w.store(ctx, spec, &warns)
		if err != nil {
			return sdk.Response{}, fmt.Errorf("collect retention: store %q: %w", spec.ID, err)
		}
		if ok {
			facts.Stores = append(facts.Stores, s)
		}
	}
	return sdk.Response{Facts: facts, Warnings: warns}, nil
}

// walker walks stores with a shared configuration.
type walker struct {
	root       *hostroot.Root
	now        time.Time
	ctime      func(fs.FileInfo) time.Time
	maxEntries int
	open       func(root *hostroot.Root, name string) (*os.File, error)
}

// store checks one declared store. ok is false when the store is left out
// of the facts (with a warning): its path is not a directory, or could not
// be examined. A missing path is a store with Exists false. err is only
// ctx's error.
func (w *walker) store(ctx context.Context, spec storeSpec, warns *sdk.Warnings) (Store, bool, error) {
	// Stat follows a symlink at the store's own path (inside the host
	// root): /srv/complaints -> /data/complaints is a common layout.
	fi, err := w.root.Stat(spec.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return Store{ID: spec.ID, Path: spec.Path}, true, nil
	case err != nil:
		warns.Add("store %q: %v; store not checked", spec.ID, err)
		return Store{}, false, nil
	case !fi.IsDir():
		warns.Add("store %q: %s is not a directory; store not checked", spec.ID, spec.Path)
		return Store{}, false, nil
	}
	t := newTally(spec, w.now)
	var unreadable int
	var firstErr error
	stack := []string{spec.Path}
	budget := w.maxEntries
	for len(stack) > 0 && !t.store.Truncated {
		if err := ctx.Err(); err != nil {
			return Store{}, false, err
		}
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ents, full, err := w.readDir(dir, budget)
		if err != nil {
			unreadable++
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		budget -= len(ents)
		if !full {
			t.store.Truncated = true
		}
		sub := w.visit(dir, ents, spec.SoftDeleteMarker, t)
		for i := len(sub) - 1; i >= 0; i-- {
			stack = append(stack, sub[i])
		}
	}
	if t.store.Truncated {
		warns.Add("store %q: walk stopped at max_files (%d entries); counts are lower bounds", spec.ID, w.maxEntries)
	}
	if unreadable > 0 {
		// Part of the store was not seen: like the limit, the counts are
		// lower bounds, so the store must not pass on them.
		t.store.Truncated = true
		warns.Add("store %q: %d directories could not be read (first: %v); counts are lower bounds", spec.ID, unreadable, firstErr)
	}
	return t.store, true, nil
}

// readDir lists the host directory dir, at most limit entries, sorted by
// name (dirlist.Read).
func (w *walker) readDir(dir string, limit int) (ents []fs.DirEntry, full bool, err error) {
	return dirlist.Read(w.root, w.open, dir, limit)
}

// visit tallies the regular files of one directory listing (sorted by
// name) and returns its subdirectories. Symbolic links are never
// followed, and other special files are not items. Entry information
// comes from lstat of the listed entry, never from file contents.
func (w *walker) visit(dir string, ents []fs.DirEntry, mark string, t *tally) (subdirs []string) {
	isFile := func(name string) bool {
		i, ok := slices.BinarySearchFunc(ents, name, func(e fs.DirEntry, n string) int { return strings.Compare(e.Name(), n) })
		return ok && ents[i].Type().IsRegular()
	}
	for _, e := range ents {
		typ := e.Type()
		switch {
		case typ.IsDir():
			subdirs = append(subdirs, path.Join(dir, e.Name()))
			continue
		case !typ.IsRegular():
			continue
		}
		r := classify(e.Name(), mark, isFile)
		if r == markedItem {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			// Removed since it was listed: no longer kept.
			continue
		}
		switch r {
		case live:
			t.addLive(fi.ModTime())
		case marker:
			t.addSoftDeleted(fi.ModTime())
		case renamed:
			t.addSoftDeleted(w.ctime(fi))
		}
	}
	return subdirs
}
