package textcheck

import (
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	tests := []struct {
		name, data string
		want       string // a part of the problem; "" for none
	}{
		{"empty", "", ""},
		{"lines", "a b\n\tc\r\n", ""},
		{"latin-1", "caf\xe9\n", ""},
		{"escape and form feed", "\x1b[1m\f\n", ""},
		{"nul", "a\x00b\n", "byte 0x00 at offset 1"},
		{"control", "ok\n\x07bell\n", "byte 0x07 at offset 3"},
		{"delete", "\x7f\n", "byte 0x7f"},
		{"cut", "PermitRootLogin no\nPasswordAuth", `"PasswordAuth" does not end in a newline`},
		{"cut one line", "Port", `"Port"`},
		{"binary before cut", "\x00ab", "binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Problem([]byte(tt.data))
			if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
				t.Errorf("Problem(%q) = %q, want one containing %q", tt.data, got, tt.want)
			}
		})
	}
}

func TestCutShortQuotesAtMost40Bytes(t *testing.T) {
	got := CutShort([]byte(strings.Repeat("x", 100)))
	if !strings.Contains(got, `"`+strings.Repeat("x", 40)+`"`) {
		t.Errorf("CutShort(100 x) = %q, want the first 40 bytes quoted", got)
	}
}
