package rpmdb

import (
	"fmt"
	"strconv"
	"strings"
)

// EVR is an rpm epoch, version and release.
type EVR struct {
	Epoch            uint32
	Version, Release string
}

// String formats e as rpm and dnf show it: "epoch:version-release", the
// epoch left out when it is 0.
func (e EVR) String() string {
	if e.Epoch == 0 {
		return e.Version + "-" + e.Release
	}
	return strconv.FormatUint(uint64(e.Epoch), 10) + ":" + e.Version + "-" + e.Release
}

// ParseEpoch parses an epoch as updateinfo and repository metadata write
// it: a decimal number, "" meaning 0.
func ParseEpoch(s string) (uint32, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("epoch %q is not a number", s)
	}
	return uint32(n), nil
}

// CompareEVR compares two EVRs as rpm does (rpmverCmp): epochs as
// numbers, then versions, then releases with Vercmp. It returns -1 when
// a is older than b, 0 when equal and 1 when newer.
func CompareEVR(a, b EVR) int {
	switch {
	case a.Epoch < b.Epoch:
		return -1
	case a.Epoch > b.Epoch:
		return 1
	}
	if c := Vercmp(a.Version, b.Version); c != 0 {
		return c
	}
	return Vercmp(a.Release, b.Release)
}

// Vercmp is rpm's rpmvercmp: it compares two version (or release)
// strings segment by segment and returns -1, 0 or 1. Runs of characters
// other than ASCII letters, digits, "~" and "^" only separate segments;
// numeric segments compare as numbers and are newer than alphabetic ones;
// "~" sorts before everything, even the end of the string; "^" sorts
// after the end of the string but before any other segment. A string
// ends at its first NUL, as in C.
func Vercmp(a, b string) int {
	if i := strings.IndexByte(a, 0); i >= 0 {
		a = a[:i]
	}
	if i := strings.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if a == b {
		return 0
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for i < len(a) && !isAlnum(a[i]) && a[i] != '~' && a[i] != '^' {
			i++
		}
		for j < len(b) && !isAlnum(b[j]) && b[j] != '~' && b[j] != '^' {
			j++
		}
		ca, cb := at(a, i), at(b, j)
		if ca == '~' || cb == '~' {
			if ca != '~' {
				return 1
			}
			if cb != '~' {
				return -1
			}
			i++
			j++
			continue
		}
		if ca == '^' || cb == '^' {
			switch {
			case i == len(a):
				return -1
			case j == len(b):
				return 1
			case ca != '^':
				return 1
			case cb != '^':
				return -1
			}
			i++
			j++
			continue
		}
		if i == len(a) || j == len(b) {
			break
		}
		si, sj := i, j
		isNum := isDigit(a[i])
		if isNum {
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
		} else {
			for i < len(a) && isAlpha(a[i]) {
				i++
			}
			for j < len(b) && isAlpha(b[j]) {
				j++
			}
		}
		// a's segment is never empty: it starts with a letter or digit.
		if j == sj {
			// Numeric segments are newer than alphabetic ones.
			if isNum {
				return 1
			}
			return -1
		}
		sa, sb := a[si:i], b[sj:j]
		if isNum {
			sa = strings.TrimLeft(sa, "0")
			sb = strings.TrimLeft(sb, "0")
			if len(sa) != len(sb) {
				if len(sa) > len(sb) {
					return 1
				}
				return -1
			}
		}
		if c := strings.Compare(sa, sb); c != 0 {
			return c
		}
	}
	switch {
	case i >= len(a) && j >= len(b):
		return 0
	case i >= len(a):
		return -1
	}
	return 1
}

func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
