//go:build !unix

package atomicfile

// SyncDir does nothing: Windows cannot open a directory for syncing, and
// NTFS journals renames itself.
func SyncDir(string) error { return nil }
