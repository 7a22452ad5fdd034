package strictjson

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits bounds the shape of a JSON text.
type Limits struct {
	// MaxDepth is how deeply arrays and objects may nest; the top-level
	// value is at depth 1.
	MaxDepth int
	// MaxObjectKeys is how many members one object may have.
	MaxObjectKeys int
	// MaxKeys is how many object members the whole text may have.
	MaxKeys int
}

// Default is what a facts document may be: deeper, wider or more keyed
// than any collector writes by far, yet small enough that no document
// makes the server build a pathological structure.
var Default = Limits{MaxDepth: 64, MaxObjectKeys: 10_000, MaxKeys: 1_000_000}

// ErrInvalid wraps every reason Check refuses a text.
var ErrInvalid = errors.New("invalid JSON")

// SyntaxError is a refusal at a byte offset of the text.
type SyntaxError struct {
	// Offset is the byte offset where the problem was found.
	Offset int
	// Reason says what is wrong.
	Reason string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("at byte %d: %s", e.Offset, e.Reason) }

// Unwrap makes every SyntaxError an ErrInvalid.
func (e *SyntaxError) Unwrap() error { return ErrInvalid }

// Check returns nil when data is exactly one JSON value (surrounded by
// optional white space) within l, with no object key repeated in one
// object, valid UTF-8 throughout and no \u escape that encodes an unpaired
// surrogate. Otherwise it returns a *SyntaxError for the first problem.
// A zero limit in l means no limit.
func Check(data []byte, l Limits) error {
	c := checker{data: data, lim: l}
	c.space()
	if c.pos >= len(c.data) {
		return c.fail("no JSON value")
	}
	if err := c.value(1); err != nil {
		return err
	}
	c.space()
	if c.pos != len(c.data) {
		return c.fail("trailing data after the JSON value")
	}
	return nil
}

type checker struct {
	data []byte
	pos  int
	lim  Limits
	keys int
}

func (c *checker) fail(format string, args ...any) error {
	return &SyntaxError{Offset: c.pos, Reason: fmt.Sprintf(format, args...)}
}

func (c *checker) space() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

func (c *checker) value(depth int) error {
	if c.pos >= len(c.data) {
		return c.fail("unexpected end of JSON")
	}
	switch b := c.data[c.pos]; {
	case b == '{':
		return c.object(depth)
	case b == '[':
		return c.array(depth)
	case b == '"':
		_, err := c.str(false)
		return err
	case b == '-' || (b >= '0' && b <= '9'):
		return c.number()
	case b == 't':
		return c.literal("true")
	case b == 'f':
		return c.literal("false")
	case b == 'n':
		return c.literal("null")
	default:
		return c.fail("unexpected %s", describe(c.data[c.pos:]))
	}
}

func (c *checker) enter(depth int) error {
	if c.lim.MaxDepth > 0 && depth > c.lim.MaxDepth {
		return c.fail("nested more than %d levels deep", c.lim.MaxDepth)
	}
	return nil
}

func (c *checker) object(depth int) error {
	if err := c.enter(depth); err != nil {
		return err
	}
	c.pos++ // {
	c.space()
	if c.pos < len(c.data) && c.data[c.pos] == '}' {
		c.pos++
		return nil
	}
	seen := map[string]struct{}{}
	for {
		c.space()
		if c.pos >= len(c.data) || c.data[c.pos] != '"' {
			return c.fail("want an object key, got %s", describe(c.data[c.pos:]))
		}
		at := c.pos
		key, err := c.str(true)
		if err != nil {
			return err
		}
		if _, dup := seen[key]; dup {
			c.pos = at
			return c.fail("object key %q repeated", clip(key))
		}
		seen[key] = struct{}{}
		c.keys++
		if c.lim.MaxObjectKeys > 0 && len(seen) > c.lim.MaxObjectKeys {
			c.pos = at
			return c.fail("object with more than %d keys", c.lim.MaxObjectKeys)
		}
		if c.lim.MaxKeys > 0 && c.keys > c.lim.MaxKeys {
			c.pos = at
			return c.fail("more than %d object keys in all", c.lim.MaxKeys)
		}
		c.space()
		if c.pos >= len(c.data) || c.data[c.pos] != ':' {
			return c.fail("want ':' after an object key, got %s", describe(c.data[c.pos:]))
		}
		c.pos++
		c.space()
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.space()
		if c.pos >= len(c.data) {
			return c.fail("unexpected end of JSON in an object")
		}
		switch c.data[c.pos] {
		case ',':
			c.pos++
		case '}':
			c.pos++
			return nil
		default:
			return c.fail("want ',' or '}' in an object, got %s", describe(c.data[c.pos:]))
		}
	}
}

func (c *checker) array(depth int) error {
	if err := c.enter(depth); err != nil {
		return err
	}
	c.pos++ // [
	c.space()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
		return nil
	}
	for {
		c.space()
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.space()
		if c.pos >= len(c.data) {
			return c.fail("unexpected end of JSON in an array")
		}
		switch c.data[c.pos] {
		case ',':
			c.pos++
		case ']':
			c.pos++
			return nil
		default:
			return c.fail("want ',' or ']' in an array, got %s", describe(c.data[c.pos:]))
		}
	}
}

// str checks the string starting at c.pos and moves past it. When keep
// is set it returns the string's value (escapes decoded), to compare
// object keys by what they mean rather than how they are written.
func (c *checker) str(keep bool) (string, error) {
	c.pos++ // opening quote
	start := c.pos
	var buf []byte // the decoded value, once an escape was seen
	escaped := false
	for {
		if c.pos >= len(c.data) {
			return "", c.fail("unterminated string")
		}
		b := c.data[c.pos]
		switch {
		case b == '"':
			var s string
			if keep {
				if escaped {
					s = string(buf)
				} else {
					s = string(c.data[start:c.pos])
				}
			}
			c.pos++
			return s, nil
		case b < 0x20:
			return "", c.fail("control character 0x%02x in a string", b)
		case b == '\\':
			if !escaped && keep {
				buf = append(buf, c.data[start:c.pos]...)
			}
			escaped = true
			r, err := c.escape()
			if err != nil {
				return "", err
			}
			if keep {
				buf = utf8.AppendRune(buf, r)
			}
		case b < utf8.RuneSelf:
			if escaped && keep {
				buf = append(buf, b)
			}
			c.pos++
		default:
			r, n := utf8.DecodeRune(c.data[c.pos:])
			if r == utf8.RuneError && n <= 1 {
				return "", c.fail("invalid UTF-8")
			}
			if escaped && keep {
				buf = append(buf, c.data[c.pos:c.pos+n]...)
			}
			c.pos += n
		}
	}
}

// escape checks the escape sequence at c.pos (at its backslash), moves
// past it and returns the rune it stands for.
func (c *checker) escape() (rune, error) {
	if c.pos+1 >= len(c.data) {
		return 0, c.fail("unterminated escape")
	}
	switch e := c.data[c.pos+1]; e {
	case '"', '\\', '/':
		c.pos += 2
		return rune(e), nil
	case 'b':
		c.pos += 2
		return '\b', nil
	case 'f':
		c.pos += 2
		return '\f', nil
	case 'n':
		c.pos += 2
		return '\n', nil
	case 'r':
		c.pos += 2
		return '\r', nil
	case 't':
		c.pos += 2
		return '\t', nil
	case 'u':
		r, ok := hex4(c.data[c.pos+2:])
		if !ok {
			return 0, c.fail(`invalid \u escape`)
		}
		if !utf16.IsSurrogate(r) {
			c.pos += 6
			return r, nil
		}
		rest := c.data[c.pos+6:]
		if len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
			if r2, ok := hex4(rest[2:]); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					c.pos += 12
					return dec, nil
				}
			}
		}
		return 0, c.fail(`\u escape of an unpaired surrogate (not valid Unicode)`)
	default:
		return 0, c.fail("invalid escape %s", describe(c.data[c.pos:]))
	}
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, x := range b[:4] {
		r <<= 4
		switch {
		case x >= '0' && x <= '9':
			r |= rune(x - '0')
		case x >= 'a' && x <= 'f':
			r |= rune(x - 'a' + 10)
		case x >= 'A' && x <= 'F':
			r |= rune(x - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (c *checker) number() error {
	d := c.data
	if d[c.pos] == '-' {
		c.pos++
	}
	switch {
	case c.pos < len(d) && d[c.pos] == '0':
		c.pos++
	case c.pos < len(d) && d[c.pos] >= '1' && d[c.pos] <= '9':
		c.digits()
	default:
		return c.fail("invalid number")
	}
	if c.pos < len(d) && d[c.pos] == '.' {
		c.pos++
		if !c.digits() {
			return c.fail("invalid number: no digits after '.'")
		}
	}
	if c.pos < len(d) && (d[c.pos] == 'e' || d[c.pos] == 'E') {
		c.pos++
		if c.pos < len(d) && (d[c.pos] == '+' || d[c.pos] == '-') {
			c.pos++
		}
		if !c.digits() {
			return c.fail("invalid number: no digits in the exponent")
		}
	}
	return nil
}

func (c *checker) digits() bool {
	start := c.pos
	for c.pos < len(c.data) && c.data[c.pos] >= '0' && c.data[c.pos] <= '9' {
		c.pos++
	}
	return c.pos > start
}

func (c *checker) literal(word string) error {
	if len(c.data)-c.pos < len(word) || string(c.data[c.pos:c.pos+len(word)]) != word {
		return c.fail("unexpected %s", describe(c.data[c.pos:]))
	}
	c.pos += len(word)
	return nil
}

// describe names what is at the start of rest, for errors.
func describe(rest []byte) string {
	if len(rest) == 0 {
		return "end of JSON"
	}
	r, _ := utf8.DecodeRune(rest)
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", rest[0])
	}
	return fmt.Sprintf("%q", r)
}

// clip shortens a key quoted in an error.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "…"
}
