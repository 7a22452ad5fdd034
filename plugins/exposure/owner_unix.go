//go:build unix

package exposure

import (
	"io/fs"
	"syscall"
)

// fileOwner returns the numeric owner and group of fi; ok is false when
// the platform does not say.
func fileOwner(fi fs.FileInfo) (uid, gid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Uid, st.Gid, true
}
