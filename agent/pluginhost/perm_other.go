//go:build !unix

package pluginhost

import (
	"fmt"
	"os"
)

// checkDir checks that the plugin directory exists. On Windows the
// installer's ACLs protect it; mode bits mean nothing there.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("plugin directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("plugin directory %s: not a directory", dir)
	}
	return nil
}

// checkFile checks that path is a regular file.
func checkFile(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("plugin file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("plugin file %s: not a regular file", path)
	}
	return nil
}
