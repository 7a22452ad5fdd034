package dpkg

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is a Debian package version split into its parts,
// [epoch:]upstream[-revision], as dpkg splits it.
type Version struct {
	epoch    int
	upstream string
	revision string
}

// ErrBadVersion is wrapped by every version parsing error.
var ErrBadVersion = errors.New("invalid Debian version")

// ParseVersion splits s as dpkg's parseversion does: the epoch is the
// decimal number before the first colon, the revision what follows the
// last hyphen. It rejects what dpkg rejects as errors (an empty version,
// a bad epoch, an empty upstream part, embedded spaces); the lesser
// character-set problems dpkg only warns about are accepted.
func ParseVersion(s string) (Version, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Version{}, fmt.Errorf("%w: empty", ErrBadVersion)
	}
	if strings.ContainsAny(s, " \t\n") {
		return Version{}, fmt.Errorf("%w %q: embedded space", ErrBadVersion, s)
	}
	var v Version
	rest := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		e, err := strconv.Atoi(s[:i])
		if err != nil || e < 0 || s[:i] == "" || strings.ContainsAny(s[:i], "+-") {
			return Version{}, fmt.Errorf("%w %q: epoch is not a number", ErrBadVersion, s)
		}
		v.epoch = e
		rest = s[i+1:]
	}
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		v.upstream, v.revision = rest[:i], rest[i+1:]
		if v.revision == "" {
			return Version{}, fmt.Errorf("%w %q: empty revision", ErrBadVersion, s)
		}
	} else {
		v.upstream = rest
	}
	if v.upstream == "" {
		return Version{}, fmt.Errorf("%w %q: empty upstream version", ErrBadVersion, s)
	}
	return v, nil
}

// CompareVersions compares two Debian versions as dpkg
// --compare-versions does: negative when a is older than b, zero when
// equal, positive when newer.
func CompareVersions(a, b string) (int, error) {
	va, err := ParseVersion(a)
	if err != nil {
		return 0, err
	}
	vb, err := ParseVersion(b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb), nil
}

// Compare is dpkg's dpkg_version_compare, normalised to -1, 0 or 1.
func (a Version) Compare(b Version) int {
	switch {
	case a.epoch > b.epoch:
		return 1
	case a.epoch < b.epoch:
		return -1
	}
	if c := verrevcmp(a.upstream, b.upstream); c != 0 {
		return sign(c)
	}
	return sign(verrevcmp(a.revision, b.revision))
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// order is dpkg's character weight for the non-digit parts: the end of
// the string and digits weigh 0, letters their code, '~' sorts before
// everything (even the end), and other characters after all letters.
func order(c byte) int {
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	case c != 0:
		return int(c) + 256
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// verrevcmp is dpkg's verrevcmp: alternate non-digit runs, compared
// character by character with order, and digit runs, compared as
// numbers of any length.
func verrevcmp(a, b string) int {
	i, j := 0, 0
	at := func(s string, k int) byte {
		if k < len(s) {
			return s[k]
		}
		return 0
	}
	for i < len(a) || j < len(b) {
		firstDiff := 0
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := order(at(a, i)), order(at(b, j))
			if ac != bc {
				return ac - bc
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		for i < len(a) && j < len(b) && isDigit(a[i]) && isDigit(b[j]) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if firstDiff != 0 {
			return firstDiff
		}
	}
	return 0
}
