//go:build !windows

package dirstore

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// worldAccess says what others may do with a directory, or "" if nothing.
func worldAccess(fi fs.FileInfo) string {
	p := fi.Mode().Perm()
	var what []string
	for _, b := range []struct {
		bit  fs.FileMode
		name string
	}{{0o004, "read"}, {0o002, "write"}, {0o001, "search"}} {
		if p&b.bit != 0 {
			what = append(what, b.name)
		}
	}
	if len(what) == 0 {
		return ""
	}
	return fmt.Sprintf("mode %#o lets others %s", p, strings.Join(what, ", "))
}

// syncDir flushes a directory's entries (a new or renamed file) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
