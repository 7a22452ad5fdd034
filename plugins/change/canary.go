package change

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/dirlist"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// searcher searches canary paths with one budget of entries for all.
type searcher struct {
	root     *hostroot.Root
	markers  []string
	readMax  int
	budget   int // directory entries left to walk
	maxFiles int
	open     func(root *hostroot.Root, name string) (*os.File, error)
	found    []Canary
}

// pathResult is what the search of one canary path saw.
type pathResult struct {
	complete   bool // every file was searched (up to readMax bytes)
	truncated  bool // the entry budget ran out
	unreadable int  // directories and files that could not be read
	firstErr   error
	large      int // files longer than readMax, searched at their start only
}

// search searches the canary path p (a directory, walked without
// following symbolic links, or one regular file) and records what it
// finds. err is only ctx's error.
func (s *searcher) search(ctx context.Context, p string, warns *sdk.Warnings) (ok bool, err error) {
	// Stat follows a symbolic link at the declared path itself (inside
	// the host root), as /srv/casework -> /data/casework.
	fi, err := s.root.Stat(p)
	switch {
	case err != nil:
		warns.Add("canary path %s: %v; not searched", p, err)
		return false, nil
	case fi.Mode().IsRegular():
		var r pathResult
		s.file(p, &r)
		return s.report(p, r, warns), nil
	case !fi.IsDir():
		warns.Add("canary path %s: not a directory or regular file; not searched", p)
		return false, nil
	}
	var r pathResult
	stack := []string{p}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return false, fmt.Errorf("search %s: %w", p, err)
		}
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ents, full, err := s.readDir(dir)
		if err != nil {
			r.fail(err)
			continue
		}
		s.budget -= len(ents)
		var sub []string
		for _, e := range ents {
			name := path.Join(dir, e.Name())
			switch t := e.Type(); {
			case t.IsDir():
				sub = append(sub, name)
			case t.IsRegular():
				s.file(name, &r)
			}
		}
		for i := len(sub) - 1; i >= 0; i-- {
			stack = append(stack, sub[i])
		}
		if !full {
			r.truncated = true
			break
		}
	}
	return s.report(p, r, warns), nil
}

// fail counts something that could not be read.
func (r *pathResult) fail(err error) {
	r.unreadable++
	if r.firstErr == nil {
		r.firstErr = err
	}
}

// report turns a path's result into warnings, and says whether the path
// was searched completely.
func (s *searcher) report(p string, r pathResult, warns *sdk.Warnings) bool {
	if r.large > 0 {
		warns.Add("canary path %s: %d files are longer than max_read_bytes (%d); only their start was searched", p, r.large, s.readMax)
	}
	if r.truncated {
		warns.Add("canary path %s: search stopped at max_files (%d entries); path only partly searched", p, s.maxFiles)
	}
	if r.unreadable > 0 {
		warns.Add("canary path %s: %d entries could not be read (first: %v); path only partly searched", p, r.unreadable, r.firstErr)
	}
	return !r.truncated && r.unreadable == 0
}

// readDir lists the host directory dir, at most the remaining budget of
// entries, sorted by name (dirlist.Read).
func (s *searcher) readDir(dir string) (ents []fs.DirEntry, full bool, err error) {
	return dirlist.Read(s.root, s.open, dir, s.budget)
}

// file searches the start of the host file name for every marker.
func (s *searcher) file(name string, r *pathResult) {
	f, err := s.open(s.root, name)
	if err != nil {
		r.fail(err)
		return
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(s.readMax)+1))
	if err != nil {
		r.fail(fmt.Errorf("read %s: %w", name, err))
		return
	}
	if len(b) > s.readMax {
		r.large++
		b = b[:s.readMax]
	}
	for _, m := range matches(b, s.markers) {
		s.found = append(s.found, Canary{Path: name, Marker: m})
	}
}

// matches returns the markers that occur in b, in the order of markers.
func matches(b []byte, markers []string) []string {
	var out []string
	for _, m := range markers {
		if bytes.Contains(b, []byte(m)) {
			out = append(out, m)
		}
	}
	return out
}
