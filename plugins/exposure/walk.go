package exposure

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// maxExamples is how many world-readable or world-writable entries a
// Path names.
const maxExamples = 10

// File permission bits for "others".
const (
	otherRead  = 0o004
	otherWrite = 0o002
	otherExec  = 0o001
)

// walker checks one declared path.
type walker struct {
	root   *hostroot.Root
	limit  int
	p      *Path
	warn   *sdk.Warnings
	errors int // unreadable directories, reported once per path
}

// checkPath walks the declared path d through root, never following a
// symlink below it, and counts the entries others can read or write.
// users and groups name owners. A missing path is a fact (Exists false).
func checkPath(ctx context.Context, root *hostroot.Root, d declared, limit int, users, groups idNames, w *sdk.Warnings) (Path, error) {
	p := Path{Path: d.Path, Store: d.Store, Examples: []string{}, ServedBy: []WebRoot{}}
	fi, err := root.Stat(d.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		return p, fmt.Errorf("check %s: %w", d.Path, err)
	}
	p.Exists = true
	p.Mode = fmt.Sprintf("%04o", fi.Mode().Perm())
	if uid, gid, ok := fileOwner(fi); ok {
		p.Owner, p.Group = users.name(uid), groups.name(gid)
	}
	wk := &walker{root: root, limit: limit, p: &p, warn: w}
	reach := wk.ancestorsSearchable(d.Path)
	if err := wk.visit(ctx, d.Path, fi, reach); err != nil {
		return p, err
	}
	if wk.errors > 0 {
		w.Add("%s: %d directories could not be read; counts are lower bounds", d.Path, wk.errors)
	}
	return p, nil
}

// ancestorsSearchable reports whether others may search every directory
// above name, from "/" down. An ancestor that cannot be checked counts as
// searchable, so that doubt is reported rather than hidden.
func (wk *walker) ancestorsSearchable(name string) bool {
	for dir := path.Dir(name); ; dir = path.Dir(dir) {
		if fi, err := wk.root.Stat(dir); err == nil && fi.Mode().Perm()&otherExec == 0 {
			return false
		}
		if dir == "/" {
			return true
		}
	}
}

// visit counts name (whose info is fi) and, for a directory, everything
// under it, until the limit. reach is whether others can search every
// directory above name.
func (wk *walker) visit(ctx context.Context, name string, fi fs.FileInfo, reach bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil // never followed, and not itself personal data
	}
	if wk.p.Entries >= wk.limit {
		wk.p.Truncated = true
		return nil
	}
	wk.p.Entries++
	perm := fi.Mode().Perm()
	readable := reach && perm&otherRead != 0
	writable := reach && perm&otherWrite != 0
	if readable {
		wk.p.WorldReadable++
	}
	if writable {
		wk.p.WorldWritable++
	}
	if (readable || writable) && len(wk.p.Examples) < maxExamples {
		wk.p.Examples = append(wk.p.Examples, name)
	}
	if !fi.IsDir() {
		return nil
	}
	ents, err := wk.root.ReadDir(name)
	if err != nil {
		wk.errors++
		return nil
	}
	for _, e := range ents {
		if wk.p.Truncated {
			return nil
		}
		child := path.Join(name, e.Name())
		cfi, err := e.Info() // lstat: a symlink stays a symlink
		if err != nil {
			continue // removed since the listing
		}
		if err := wk.visit(ctx, child, cfi, reach && perm&otherExec != 0); err != nil {
			return err
		}
	}
	return nil
}
