package patching

import (
	"strconv"
	"strings"
)

// parseAptConf reads APT configuration syntax (apt.conf(5)) and calls set
// for every "key value;" statement with the full key, scopes joined by
// "::" and lower-cased (apt's keys are case-insensitive), and the
// unquoted value. It knows scopes ("APT { Periodic { ... }; };"), quoted
// and bare values, and //, /* */ and # comments; #clear and #include
// directives are ignored. Malformed text is skipped, never fatal.
func parseAptConf(data []byte, set func(key, value string)) {
	var scopes, pending []string
	s := string(data)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case strings.HasPrefix(s[i:], "//"):
			i = skipLine(s, i)
		case strings.HasPrefix(s[i:], "/*"):
			if j := strings.Index(s[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(s)
			}
		case c == '#' && len(pending) == 0:
			// A comment or a #clear / #include directive: to the end of
			// the line.
			i = skipLine(s, i)
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return
			}
			pending = append(pending, s[i+1:i+1+j])
			i += j + 2
		case c == '{':
			if len(pending) > 0 {
				scopes = append(scopes, pending[0])
			} else {
				scopes = append(scopes, "")
			}
			pending = pending[:0]
			i++
		case c == '}':
			if len(scopes) > 0 {
				scopes = scopes[:len(scopes)-1]
			}
			pending = pending[:0]
			i++
		case c == ';':
			if len(pending) >= 2 {
				set(fullKey(scopes, pending[0]), pending[1])
			}
			pending = pending[:0]
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n{};\"", rune(s[j])) {
				j++
			}
			pending = append(pending, s[i:j])
			i = j
		}
	}
}

func skipLine(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(s)
}

// fullKey joins the enclosing scopes and key with "::", lower-cased.
func fullKey(scopes []string, key string) string {
	parts := make([]string, 0, len(scopes)+1)
	for _, sc := range scopes {
		if sc != "" {
			parts = append(parts, sc)
		}
	}
	parts = append(parts, key)
	return strings.ToLower(strings.Join(parts, "::"))
}

// periodicEnabled reports whether an APT::Periodic interval value turns
// its job on, as apt.systemd.daily reads it: "always", or a positive
// number of days, optionally with a unit suffix (s, m, h, d). "0", an
// empty value and anything unreadable are off.
func periodicEnabled(v string) bool {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "always" {
		return true
	}
	v = strings.TrimRight(v, "smhd")
	n, err := strconv.Atoi(v)
	return err == nil && n > 0
}

// aptConfPart reports whether apt reads a file of this name in
// /etc/apt/apt.conf.d: only letters, digits, "_", "-" and ".", and
// either no extension or ".conf" (so *.dpkg-old, *.ucf-dist, *.disabled
// and editor backups are ignored, as apt ignores them).
func aptConfPart(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:] == "conf"
	}
	return true
}
