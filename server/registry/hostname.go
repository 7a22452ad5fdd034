package registry

import (
	"fmt"
	"strings"
)

// validHostname checks name is a host name as RFC 1123 has them: labels
// of 1 to 63 letters, digits, hyphens (and underscores, which some
// estates' names carry) separated by dots, each starting and ending with
// a letter or digit, 253 bytes in all. Waivers, plans and host tags match
// host names with glob patterns, so a name with spaces, glob characters
// or path separators could match patterns meant for other hosts, or none.
func validHostname(name string) error {
	const rule = "want dot-separated labels of 1 to 63 letters, digits, hyphens or underscores, each starting and ending with a letter or digit (RFC 1123)"
	if name == "" || len(name) > 253 {
		return fmt.Errorf("hostname %q is not a valid host name: %s, at most 253 bytes", name, rule)
	}
	for i, label := range strings.Split(name, ".") {
		if bad := badLabel(label); bad != "" {
			return fmt.Errorf("hostname %q is not a valid host name: label %d %s; %s", name, i+1, bad, rule)
		}
	}
	return nil
}

// badLabel says what is wrong with one label of a host name, or "".
func badLabel(label string) string {
	switch {
	case label == "":
		return "is empty"
	case len(label) > 63:
		return "is longer than 63 bytes"
	}
	for _, c := range label {
		if c > 0x7f || !alnum(byte(c)) && c != '-' && c != '_' {
			return fmt.Sprintf("%q has the character %q", label, c)
		}
	}
	if !alnum(label[0]) || !alnum(label[len(label)-1]) {
		return fmt.Sprintf("%q does not start and end with a letter or digit", label)
	}
	return ""
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
