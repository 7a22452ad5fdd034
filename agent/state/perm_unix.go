//go:build unix

package state

import (
	"fmt"
	"os"
)

// DefaultDir is the state directory when none is configured.
const DefaultDir = "/var/lib/auditfleet/agent"

// checkPrivate refuses a file that group or others may access: the
// credentials hold the host token, with which anyone could submit reports
// in this host's name.
func checkPrivate(path string, fi os.FileInfo) error {
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s is accessible to group or others (mode %04o) and holds secrets: refusing to use it; run chmod 600 %s and, if others may have read it, enroll again to replace the token", path, perm, path)
	}
	return nil
}
