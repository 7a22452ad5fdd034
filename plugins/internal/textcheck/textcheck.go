package textcheck

import (
	"bytes"
	"fmt"
)

// Binary returns why data is not text: a NUL or another control
// character that no text file holds (tab, newline, carriage return,
// vertical tab, form feed and escape are text), with its offset; "" for
// text. Bytes of 0x80 and above are allowed, so that files in Latin-1 or
// another legacy encoding are text.
func Binary(data []byte) string {
	for i, c := range data {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f' && c != 0x1b) || c == 0x7f {
			return fmt.Sprintf("holds binary data (byte 0x%02x at offset %d), not text", c, i)
		}
	}
	return ""
}

// CutShort returns why data looks cut short: a non-empty file whose
// last line does not end in a newline, as editors, package managers and
// loggers all end theirs; "" otherwise. A file cut exactly at a line's
// end cannot be told from a shorter file.
func CutShort(data []byte) string {
	if len(data) == 0 || data[len(data)-1] == '\n' {
		return ""
	}
	last := data[bytes.LastIndexByte(data, '\n')+1:]
	if len(last) > 40 {
		last = last[:40]
	}
	return fmt.Sprintf("its last line %q does not end in a newline: cut short", last)
}

// Problem is Binary, or else CutShort.
func Problem(data []byte) string {
	if p := Binary(data); p != "" {
		return p
	}
	return CutShort(data)
}
