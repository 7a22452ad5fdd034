package accounts

import (
	"fmt"
	"strings"
)

// groupEntry is one line of /etc/group.
type groupEntry struct {
	Name    string
	GID     int
	Members []string
	Line    int
}

// parseGroup parses /etc/group. Malformed lines are reported and skipped.
func parseGroup(data []byte) ([]groupEntry, []lineError) {
	var out []groupEntry
	var errs []lineError
	forEachLine(data, func(n int, line string) {
		if skipLine(line) || line[0] == '+' || line[0] == '-' {
			return
		}
		f := strings.Split(line, ":")
		if len(f) != 4 {
			errs = append(errs, lineError{n, fmt.Sprintf("%d fields, want 4", len(f))})
			return
		}
		if f[0] == "" {
			errs = append(errs, lineError{n, "empty group name"})
			return
		}
		gid, err := parseID(f[2])
		if err != nil {
			errs = append(errs, lineError{n, fmt.Sprintf("gid %q: %v", f[2], err)})
			return
		}
		out = append(out, groupEntry{Name: f[0], GID: gid, Members: splitMembers(f[3]), Line: n})
	})
	return out, errs
}

// parseGshadow parses /etc/gshadow and returns the members (field 4) of
// each group; administrators (field 3) are not members.
func parseGshadow(data []byte) (map[string][]string, []lineError) {
	out := make(map[string][]string)
	var errs []lineError
	forEachLine(data, func(n int, line string) {
		if skipLine(line) || line[0] == '+' || line[0] == '-' {
			return
		}
		f := strings.Split(line, ":")
		if len(f) != 4 {
			errs = append(errs, lineError{n, fmt.Sprintf("%d fields, want 4", len(f))})
			return
		}
		if _, dup := out[f[0]]; !dup {
			out[f[0]] = splitMembers(f[3])
		}
	})
	return out, errs
}

// splitMembers splits a comma-separated member list, dropping empty names.
func splitMembers(s string) []string {
	var out []string
	for m := range strings.SplitSeq(s, ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}
