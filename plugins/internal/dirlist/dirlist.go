package dirlist

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
)

// Opener opens a host directory: (*hostroot.Root).Open, or a stand-in
// that fails in tests.
type Opener func(root *hostroot.Root, name string) (*os.File, error)

// Read lists the host directory dir, reading at most limit entries,
// sorted by name. full is false when the directory had more. With a
// limit of 0 (or less) it only finds out whether the directory is empty.
// Errors name the directory.
func Read(root *hostroot.Root, open Opener, dir string, limit int) (ents []fs.DirEntry, full bool, err error) {
	limit = max(limit, 0)
	f, err := open(root, dir)
	if err != nil {
		return nil, false, fmt.Errorf("list %s: %w", dir, err)
	}
	defer f.Close()
	ents, err = f.ReadDir(limit + 1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, fmt.Errorf("list %s: %w", dir, err)
	}
	full = len(ents) <= limit
	if !full {
		ents = ents[:limit]
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, full, nil
}
