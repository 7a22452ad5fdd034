//go:build unix

package pluginhost

import (
	"fmt"
	"os"
	"syscall"
)

// checkDir refuses a plugin directory that anyone but its owner could
// write to, or that is owned by someone other than root or this process.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("plugin directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("plugin directory %s: not a directory", dir)
	}
	return checkOwnerMode(dir, fi)
}

// checkFile refuses a manifest or binary that is not a regular file, or
// that others could modify.
func checkFile(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("plugin file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("plugin file %s: not a regular file (%s)", path, fi.Mode().Type())
	}
	return checkOwnerMode(path, fi)
}

func checkOwnerMode(path string, fi os.FileInfo) error {
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s is writable by group or others (mode %04o): refusing to run plugins from it", path, fi.Mode().Perm())
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Geteuid(); st.Uid != 0 && int(st.Uid) != uid {
		return fmt.Errorf("%s is owned by uid %d, not root or the agent's uid %d: refusing to run plugins from it", path, st.Uid, uid)
	}
	return nil
}
