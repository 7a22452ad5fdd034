package osinfo

import (
	"strings"
	"unicode/utf8"
)

// parseOSRelease parses os-release(5) content: newline-separated
// KEY=VALUE assignments in a subset of shell syntax. Values may be
// unquoted (a backslash escapes the next character), single-quoted
// (literal) or double-quoted (a backslash escapes only ", \, ` and $, and
// is kept before any other character); a backslash before a newline
// continues the value. Lines starting with "#" or ";" are comments,
// blank lines and assignments with an invalid name are ignored, and the
// last assignment of a name wins. It follows systemd's parse_env_file,
// which is what the systemd tools that define the format use.
//
// It never fails: os-release is informational and a damaged line must not
// hide the good ones.
func parseOSRelease(b []byte) map[string]string {
	const (
		preKey = iota
		key
		preValue
		value
		valueEscape
		singleQuote
		doubleQuote
		doubleQuoteEscape
		comment
		commentEscape
	)
	vars := make(map[string]string)
	var k, v strings.Builder
	// keyEnd and valueEnd remember the length before trailing blanks,
	// which are not part of a key or an unquoted value.
	keyEnd, valueEnd := 0, 0
	state := preKey
	push := func() {
		name := k.String()[:keyEnd]
		val := v.String()
		if state == value {
			val = val[:valueEnd]
		}
		if validName(name) {
			vars[name] = strings.ToValidUTF8(val, string(utf8.RuneError))
		}
		k.Reset()
		v.Reset()
		keyEnd, valueEnd = 0, 0
	}
	for _, c := range b {
		switch state {
		case preKey:
			switch {
			case c == '#' || c == ';':
				state = comment
			case !isBlank(c) && c != '\n' && c != '\r':
				state = key
				k.WriteByte(c)
				keyEnd = k.Len()
			}
		case key:
			switch {
			case c == '\n':
				// A name without "=" is not an assignment.
				k.Reset()
				keyEnd = 0
				state = preKey
			case c == '=':
				state = preValue
			default:
				k.WriteByte(c)
				if !isBlank(c) {
					keyEnd = k.Len()
				}
			}
		case preValue:
			switch {
			case c == '\n':
				push()
				state = preKey
			case c == '\'':
				state = singleQuote
			case c == '"':
				state = doubleQuote
			case c == '\\':
				state = valueEscape
			case !isBlank(c):
				state = value
				v.WriteByte(c)
				valueEnd = v.Len()
			}
		case value:
			switch {
			case c == '\n':
				push()
				state = preKey
			case c == '\\':
				state = valueEscape
			default:
				v.WriteByte(c)
				if !isBlank(c) {
					valueEnd = v.Len()
				}
			}
		case valueEscape:
			state = value
			if c != '\n' {
				v.WriteByte(c)
				valueEnd = v.Len()
			}
		case singleQuote:
			if c == '\'' {
				state = preValue
			} else {
				v.WriteByte(c)
			}
		case doubleQuote:
			switch c {
			case '"':
				state = preValue
			case '\\':
				state = doubleQuoteEscape
			default:
				v.WriteByte(c)
			}
		case doubleQuoteEscape:
			state = doubleQuote
			switch c {
			case '"', '\\', '`', '$':
				v.WriteByte(c)
			case '\n':
				// Line continuation inside quotes.
			default:
				v.WriteByte('\\')
				v.WriteByte(c)
			}
		case comment:
			switch c {
			case '\\':
				state = commentEscape
			case '\n':
				state = preKey
			}
		case commentEscape:
			state = comment
		}
	}
	// A last line without a newline still counts, but an unterminated
	// quote or a bare name is not a complete assignment.
	switch state {
	case preValue, value, valueEscape:
		if state == valueEscape {
			state = value
		}
		push()
	}
	return vars
}

// validName reports whether s is a valid shell variable name, as
// os-release requires of its keys.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// isBlank reports whether c is a space or tab (a carriage return from a
// file with CRLF line ends is blank too, so it never ends up in a value).
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// identity is the os-release part of Facts.
type identity struct {
	ID, Name, PrettyName, VersionID, Version, VersionCodename string
	IDLike                                                    []string
}

// identityOf maps os-release variables to identity, lower-casing ID and
// ID_LIKE and applying the defaults os-release(5) gives for NAME, ID and
// PRETTY_NAME.
func identityOf(vars map[string]string) identity {
	id := identity{
		ID:              strings.ToLower(strings.TrimSpace(vars["ID"])),
		Name:            vars["NAME"],
		PrettyName:      vars["PRETTY_NAME"],
		VersionID:       vars["VERSION_ID"],
		Version:         vars["VERSION"],
		VersionCodename: vars["VERSION_CODENAME"],
		IDLike:          []string{},
	}
	for _, l := range strings.Fields(vars["ID_LIKE"]) {
		id.IDLike = append(id.IDLike, strings.ToLower(l))
	}
	if id.ID == "" {
		id.ID = "linux"
	}
	if id.Name == "" {
		id.Name = "Linux"
	}
	if id.PrettyName == "" {
		id.PrettyName = "Linux"
	}
	return id
}
