package deb822

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestEachStanza(t *testing.T) {
	tests := []struct {
		name string
		data string
		want [][]string
	}{
		{"two stanzas, CRLF, case-insensitive names", "Package: a\r\nversion: 1\r\n\r\nPackage: b\nVersion: 2\n", [][]string{{"a", "1"}, {"b", "2"}}},
		{"continuation and comment lines skipped", "Package: a\nDescription: x\n more\n# note\nVersion: 1:2.0-1\n", [][]string{{"a", "1:2.0-1"}}},
		{"missing field is empty", "Package: a\n\n\n", [][]string{{"a", ""}}},
		{"stanza without the fields is not reported", "Size: 3\n\nPackage: b\n", [][]string{{"b", ""}}},
		{"clear-signed wrapper", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nPackage: s\nVersion: 3\n-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n", [][]string{{"s", "3"}}},
		{"garbage", "\x00:::\n:\nno colon\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]string
			EachStanza([]byte(tt.data), []string{"Package", "Version"}, func(v []string) {
				got = append(got, append([]string(nil), v...))
			})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("EachStanza(%q) = %q, want %q", tt.data, got, tt.want)
			}
		})
	}
}

func FuzzEachStanza(f *testing.F) {
	f.Add([]byte("Package: a\nVersion: 1\n\nPackage: b\n"))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\n\nX: y\n-----BEGIN PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		EachStanza(data, []string{"Package", "Version"}, func(v []string) {
			if len(v) != 2 {
				t.Fatalf("got %d values, want 2", len(v))
			}
		})
	})
}

// TestEachStanzaReaderMatches: the streaming reader finds what EachStanza
// finds, long lines and CRLF included, and returns the stream's error.
func TestEachStanzaReaderMatches(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	data := []byte("Package: a\nVersion: 1\nDescription: " + long + "\n continued " + long + "\n\nPackage: b\r\nVersion: 2\r\n\n\n" +
		"X-Long: " + long + "\nPackage: c\nVersion: 3")
	collect := func(each func(fn func([]string)) error) []string {
		var out []string
		if err := each(func(v []string) { out = append(out, v[0]+"="+v[1]) }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	fields := []string{"Package", "Version"}
	want := collect(func(fn func([]string)) error { EachStanza(data, fields, fn); return nil })
	got := collect(func(fn func([]string)) error { return EachStanzaReader(bytes.NewReader(data), fields, fn) })
	if strings.Join(got, ",") != strings.Join(want, ",") || len(want) != 3 {
		t.Errorf("EachStanzaReader = %v, EachStanza = %v; want the same three", got, want)
	}
	boom := errors.New("boom")
	if err := EachStanzaReader(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)), fields, func([]string) {}); !errors.Is(err, boom) {
		t.Errorf("EachStanzaReader on a failing stream = %v, want its error", err)
	}
}
