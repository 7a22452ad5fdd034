package retention

import (
	"io/fs"
	"syscall"
	"time"
)

// changeTime is when fi's inode last changed (st_ctim), which a rename
// updates, so for an item renamed with the soft-delete marker it is the
// moment it was marked, or later. Falls back to the modification time.
func changeTime(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctim.Sec, st.Ctim.Nsec)
	}
	return fi.ModTime()
}
