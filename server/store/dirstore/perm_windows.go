//go:build windows

package dirstore

import "io/fs"

// worldAccess reports nothing on Windows: access there is governed by
// ACLs, which the directory store does not inspect.
func worldAccess(fs.FileInfo) string { return "" }

// syncDir does nothing on Windows, where directories cannot be opened for
// syncing; NTFS journals the rename itself.
func syncDir(string) error { return nil }
