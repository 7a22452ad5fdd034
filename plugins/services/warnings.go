package services

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// warnings collects the warning strings of one collection.
type warnings []string

// add appends a formatted warning.
func (w *warnings) add(format string, args ...any) {
	*w = append(*w, fmt.Sprintf(format, args...))
}

// isNotExist reports whether err says a path is absent (including a path
// through a file that is not a directory).
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
