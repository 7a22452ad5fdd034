package exposure

import (
	"bytes"
	"strconv"
)

// idNames maps numeric IDs to names, from /etc/passwd or /etc/group.
type idNames map[uint32]string

// parseIDNames reads the name (field 1) and numeric ID (field 3) of each
// line of a passwd or group file. Comments, blank and malformed lines are
// skipped; the first name for an ID wins, as getpwuid does.
func parseIDNames(data []byte) idNames {
	m := idNames{}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		f := bytes.Split(line, []byte(":"))
		if len(f) < 3 || len(f[0]) == 0 {
			continue
		}
		id, err := strconv.ParseUint(string(f[2]), 10, 32)
		if err != nil {
			continue
		}
		if _, dup := m[uint32(id)]; !dup {
			m[uint32(id)] = string(f[0])
		}
	}
	return m
}

// name returns the name of id, or id in decimal when it has none.
func (m idNames) name(id uint32) string {
	if n, ok := m[id]; ok {
		return n
	}
	return strconv.FormatUint(uint64(id), 10)
}
