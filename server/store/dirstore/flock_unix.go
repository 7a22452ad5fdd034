//go:build !windows

package dirstore

import (
	"os"
	"syscall"
)

// flock takes an exclusive lock on f that holds against other processes
// (and other open files of this one) until unflock or close.
func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unflock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
