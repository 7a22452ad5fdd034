//go:build !linux && !darwin

package retention

import (
	"io/fs"
	"time"
)

// changeTime is the modification time on systems where the collector
// does not read an inode change time. For an item renamed with the
// soft-delete marker that is its last change before it was marked, so
// its marking time is reported earlier than it was.
func changeTime(fi fs.FileInfo) time.Time { return fi.ModTime() }
