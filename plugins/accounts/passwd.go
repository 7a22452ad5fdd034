package accounts

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// passwdEntry is one line of /etc/passwd.
type passwdEntry struct {
	Name string
	// Passwd is field 2: "x" when the password is in shadow.
	Passwd string
	UID    int
	GID    int
	Home   string
	Shell  string
	Line   int
}

// lineError is a problem with one line of a text file.
type lineError struct {
	Line int
	Msg  string
}

// lineWarnings adds one warning per line error, prefixed by source and
// file.
func lineWarnings(w *sdk.Warnings, file string, errs []lineError) {
	for _, e := range errs {
		w.Add("%s:%d: %s", file, e.Line, e.Msg)
	}
}

func (e lineError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// parsePasswd parses /etc/passwd. Blank lines, comments and NIS "+"/"-"
// entries are skipped; malformed lines are reported and skipped.
func parsePasswd(data []byte) ([]passwdEntry, []lineError) {
	var out []passwdEntry
	var errs []lineError
	forEachLine(data, func(n int, line string) {
		if skipLine(line) || line[0] == '+' || line[0] == '-' {
			return
		}
		f := strings.Split(line, ":")
		if len(f) != 7 {
			errs = append(errs, lineError{n, fmt.Sprintf("%d fields, want 7", len(f))})
			return
		}
		if f[0] == "" {
			errs = append(errs, lineError{n, "empty user name"})
			return
		}
		uid, err := parseID(f[2])
		if err != nil {
			errs = append(errs, lineError{n, fmt.Sprintf("uid %q: %v", f[2], err)})
			return
		}
		gid, err := parseID(f[3])
		if err != nil {
			errs = append(errs, lineError{n, fmt.Sprintf("gid %q: %v", f[3], err)})
			return
		}
		out = append(out, passwdEntry{Name: f[0], Passwd: f[1], UID: uid, GID: gid, Home: f[5], Shell: strings.TrimSpace(f[6]), Line: n})
	})
	return out, errs
}

// parseID parses a UID or GID: a decimal number that fits in 32 bits.
func parseID(s string) (int, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("not a 32-bit id: %w", err)
	}
	return int(n), nil
}

// noLoginShells are the base names of shells that refuse an interactive
// login.
var noLoginShells = map[string]bool{
	"nologin":  true,
	"false":    true,
	"sync":     true,
	"shutdown": true,
	"halt":     true,
}

// interactiveShell reports whether shell allows an interactive login. An
// empty shell means /bin/sh.
func interactiveShell(shell string) bool {
	shell = strings.TrimSpace(shell)
	if shell == "" {
		return true
	}
	if shell == "/dev/null" {
		return false
	}
	return !noLoginShells[path.Base(shell)]
}

// forEachLine calls fn with each line of data (without the newline or a
// trailing carriage return) and its 1-based number.
func forEachLine(data []byte, fn func(n int, line string)) {
	n := 0
	for len(data) > 0 {
		n++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		fn(n, string(bytes.TrimSuffix(line, []byte("\r"))))
	}
}

// skipLine reports whether a colon-separated database line is blank or a
// comment.
func skipLine(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || t[0] == '#'
}
