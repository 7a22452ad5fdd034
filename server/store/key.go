package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxKeyLen is the longest key, in bytes, that ValidKey accepts (the S3
// limit).
const MaxKeyLen = 1024

// ValidKey reports whether key is safe to use as an object key on every
// backend. A valid key is non-empty, at most MaxKeyLen bytes of valid
// UTF-8, has no control or invisible format characters (NUL, DEL, bidi
// overrides, zero-width characters) and no backslash, does not start with
// "/", and splits on "/" into segments none of which is empty, "." or "..".
// The error wraps ErrInvalidKey and says what was wrong.
func ValidKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	}
	if err := checkChars(key); err != nil {
		return err
	}
	for i, seg := range strings.Split(key, "/") {
		if err := checkSegment(key, i, seg); err != nil {
			return err
		}
	}
	return nil
}

// ValidPrefix reports whether prefix is safe to list. The empty prefix is
// valid; otherwise the rules of ValidKey apply, except that the last
// segment is a partial name and may be empty ("facts/"), "." or "..": it
// only filters names and is never used as a path.
func ValidPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := checkChars(prefix); err != nil {
		return err
	}
	segs := strings.Split(prefix, "/")
	for i, seg := range segs[:len(segs)-1] {
		if err := checkSegment(prefix, i, seg); err != nil {
			return err
		}
	}
	return nil
}

func checkChars(key string) error {
	if len(key) > MaxKeyLen {
		return fmt.Errorf("%w: %s is %d bytes, longer than %d", ErrInvalidKey, quote(key), len(key), MaxKeyLen)
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidKey, quote(key))
	}
	if strings.HasPrefix(key, "/") {
		return fmt.Errorf("%w: %s starts with \"/\"", ErrInvalidKey, quote(key))
	}
	for i, r := range key {
		switch {
		case r == '\\':
			return fmt.Errorf("%w: %s has a backslash at byte %d", ErrInvalidKey, quote(key), i)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return fmt.Errorf("%w: %s has control or format character %U at byte %d", ErrInvalidKey, quote(key), r, i)
		}
	}
	return nil
}

func checkSegment(key string, i int, seg string) error {
	switch seg {
	case "":
		return fmt.Errorf("%w: %s has an empty segment (number %d)", ErrInvalidKey, quote(key), i+1)
	case ".", "..":
		return fmt.Errorf("%w: %s has a %q segment (number %d)", ErrInvalidKey, quote(key), seg, i+1)
	}
	return nil
}

// quote quotes a key for an error message, shortened if it is long.
func quote(key string) string {
	const max = 64
	if len(key) > max {
		return fmt.Sprintf("%q… (%d bytes)", key[:max], len(key))
	}
	return fmt.Sprintf("%q", key)
}
