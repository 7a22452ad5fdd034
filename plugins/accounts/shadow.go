package accounts

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Password states, as in Password.State.
const (
	stateSet      = "set"
	stateEmpty    = "empty"
	stateLocked   = "locked"
	stateDisabled = "disabled"
	stateUnknown  = "unknown"
)

// shadowEntry is one line of /etc/shadow.
type shadowEntry struct {
	Name     string
	Password Password
	// ExpiresOn is field 8 as YYYY-MM-DD, empty when the account does not
	// expire.
	ExpiresOn string
}

// maxShadowDays is 9999-12-31 in days since the epoch; larger day counts
// are not dates.
const maxShadowDays = 2932896

// parseShadow parses /etc/shadow. Malformed lines are reported and
// skipped; a malformed number is reported and its field left unset.
func parseShadow(data []byte) ([]shadowEntry, []lineError) {
	var out []shadowEntry
	var errs []lineError
	forEachLine(data, func(n int, line string) {
		if skipLine(line) || line[0] == '+' || line[0] == '-' {
			return
		}
		f := strings.Split(line, ":")
		if len(f) < 2 || len(f) > 9 {
			errs = append(errs, lineError{n, fmt.Sprintf("%d fields, want 9", len(f))})
			return
		}
		for len(f) < 9 {
			f = append(f, "")
		}
		if f[0] == "" {
			errs = append(errs, lineError{n, "empty user name"})
			return
		}
		e := shadowEntry{Name: f[0], Password: passwordFromHash(f[1])}
		bad := func(field int, err error) {
			errs = append(errs, lineError{n, fmt.Sprintf("user %s field %d %q: %v", f[0], field, f[field-1], err)})
		}
		if d, ok, err := shadowDays(f[2]); err != nil {
			bad(3, err)
		} else if ok {
			if d == 0 {
				e.Password.ChangeRequired = true
			} else {
				e.Password.LastChanged = daysToDate(d)
			}
		}
		if d, ok, err := shadowDays(f[4]); err != nil {
			bad(5, err)
		} else if ok {
			e.Password.MaxDays = &d
		}
		if d, ok, err := shadowDays(f[6]); err != nil {
			bad(7, err)
		} else if ok {
			e.Password.InactiveDays = &d
		}
		if d, ok, err := shadowDays(f[7]); err != nil {
			bad(8, err)
		} else if ok {
			e.ExpiresOn = daysToDate(d)
		}
		out = append(out, e)
	})
	return out, errs
}

// shadowDays parses a day-count field. Empty and negative values (shadow
// uses -1 for "unset") report ok false.
func shadowDays(s string) (days int, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("not a number: %w", err)
	}
	if n < 0 {
		return 0, false, nil
	}
	if n > maxShadowDays {
		return 0, false, fmt.Errorf("%d days is past year 9999", n)
	}
	return int(n), true, nil
}

// daysToDate formats days since 1970-01-01 as YYYY-MM-DD.
func daysToDate(days int) string {
	return time.Unix(int64(days)*86400, 0).UTC().Format(time.DateOnly)
}

// passwordFromHash classifies shadow field 2.
func passwordFromHash(h string) Password {
	switch {
	case h == "":
		return Password{State: stateEmpty}
	case h[0] == '!':
		rest := strings.TrimLeft(h, "!")
		if rest == "" || rest[0] == '*' || hashScheme(rest) == "" {
			return Password{State: stateDisabled}
		}
		return Password{State: stateLocked, Scheme: hashScheme(rest)}
	case h[0] == '*':
		return Password{State: stateDisabled}
	}
	s := hashScheme(h)
	if s == "" {
		// Not something crypt(3) can ever produce: no password matches.
		return Password{State: stateDisabled}
	}
	return Password{State: stateSet, Scheme: s}
}

// hashScheme names the crypt(3) scheme of h, "unknown" for an unrecognised
// "$id$" hash and "" when h cannot be a crypt(3) hash at all.
func hashScheme(h string) string {
	if strings.HasPrefix(h, "$") {
		id, _, ok := strings.Cut(h[1:], "$")
		if !ok {
			return ""
		}
		switch id {
		case "y":
			return "yescrypt"
		case "6":
			return "sha512"
		case "5":
			return "sha256"
		case "1":
			return "md5"
		case "2a", "2b", "2x", "2y":
			return "bcrypt"
		}
		return "unknown"
	}
	if len(h) == 13 && isCryptAlphabet(h) {
		return "des"
	}
	if len(h) == 20 && h[0] == '_' && isCryptAlphabet(h[1:]) {
		return "des" // BSDi extended DES
	}
	return ""
}

func isCryptAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}
