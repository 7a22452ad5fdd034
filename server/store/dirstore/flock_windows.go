//go:build windows

package dirstore

import (
	"os"

	"golang.org/x/sys/windows"
)

// flock takes an exclusive lock on f that holds against other processes
// (and other open files of this one) until unflock or close.
func flock(f *os.File) error {
	var ol windows.Overlapped
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ol)
}

func unflock(f *os.File) error {
	var ol windows.Overlapped
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}
