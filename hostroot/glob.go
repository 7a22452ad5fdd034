package hostroot

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"
)

// Glob expands a slash-separated glob pattern (path.Match syntax) on the
// host, as glob(3) does: a wildcard does not match a leading dot, and a
// pattern without wildcards names the path itself if it exists. Matches
// come in lexical order. Directories that exist but cannot be read are
// reported in the error, alongside the matches found elsewhere; missing
// ones are not errors.
func (r *Root) Glob(pattern string) ([]string, error) {
	pattern = path.Clean(pattern)
	var errs []error
	paths := []string{"/"}
	if strings.ContainsAny(pattern, "*?[") {
		for comp := range strings.SplitSeq(strings.TrimPrefix(pattern, "/"), "/") {
			var next []string
			for _, dir := range paths {
				if !strings.ContainsAny(comp, "*?[") {
					next = append(next, path.Join(dir, comp))
					continue
				}
				ents, err := r.ReadDir(dir)
				if err != nil {
					// A missing directory, or a file where the pattern wants
					// one, holds no match.
					if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
						errs = append(errs, err)
					}
					continue
				}
				for _, e := range ents {
					n := e.Name()
					if n[0] == '.' && comp[0] != '.' {
						continue
					}
					if ok, err := path.Match(comp, n); err == nil && ok {
						next = append(next, path.Join(dir, n))
					}
				}
			}
			paths = next
		}
	} else {
		paths = []string{pattern}
	}
	out := paths[:0]
	for _, p := range paths {
		if _, err := r.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, errors.Join(errs...)
}
