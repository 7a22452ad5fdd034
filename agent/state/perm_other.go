//go:build !unix

package state

import "os"

// DefaultDir is the state directory when none is configured.
const DefaultDir = `C:\ProgramData\auditfleet\agent`

// checkPrivate accepts the file: on Windows the installer's ACLs on the
// state directory protect it, and mode bits mean nothing.
func checkPrivate(string, os.FileInfo) error { return nil }

// checkDir accepts the directory: on Windows the installer's ACLs protect
// it, and mode bits and owners as unix has them do not apply.
func checkDir(string) error { return nil }
