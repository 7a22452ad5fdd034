package rpmdb

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// entry is one index entry of a test header; data is its value, placed
// at the next suitably aligned offset unless off is set.
type entry struct {
	tag, typ, count uint32
	data            []byte
	off             *uint32
}

func str(tag uint32, s string) entry {
	return entry{tag: tag, typ: typeString, count: 1, data: append([]byte(s), 0)}
}

func i32(tag, v uint32) entry {
	return entry{tag: tag, typ: typeInt32, count: 1, data: binary.BigEndian.AppendUint32(nil, v)}
}

// blob builds a header blob as rpm exports it.
func blob(es ...entry) []byte {
	var data []byte
	index := make([]byte, 0, 16*len(es))
	for _, e := range es {
		if e.typ == typeInt32 {
			for len(data)%4 != 0 {
				data = append(data, 0)
			}
		}
		off := uint32(len(data))
		if e.off != nil {
			off = *e.off
		}
		data = append(data, e.data...)
		for _, v := range []uint32{e.tag, e.typ, off, e.count} {
			index = binary.BigEndian.AppendUint32(index, v)
		}
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(len(es)))
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, index...)
	return append(b, data...)
}

func u32(v uint32) *uint32 { return &v }

var openssl = []entry{
	// The immutable region tag rpm puts first; its value is not read.
	{tag: 63, typ: 7, count: 16, data: make([]byte, 16)},
	str(TagName, "openssl-libs"),
	str(TagVersion, "3.0.7"),
	str(TagRelease, "24.el9"),
	i32(TagEpoch, 1),
	str(TagArch, "x86_64"),
	i32(TagInstallTime, 1785456000),
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want Package
		ok   bool
	}{
		{"complete", blob(openssl...), Package{Name: "openssl-libs", Version: "3.0.7", Release: "24.el9", Arch: "x86_64",
			Epoch: 1, HasEpoch: true, InstallTime: time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC)}, true},
		{"no epoch, no arch (gpg-pubkey)", blob(str(TagName, "gpg-pubkey"), str(TagVersion, "8483c65d"), str(TagRelease, "5ccc5b19")),
			Package{Name: "gpg-pubkey", Version: "8483c65d", Release: "5ccc5b19"}, true},
		{"later entry wins", blob(append(openssl[:len(openssl):len(openssl)], str(TagRelease, "25.el9"))...),
			Package{Name: "openssl-libs", Version: "3.0.7", Release: "25.el9", Arch: "x86_64", Epoch: 1, HasEpoch: true,
				InstallTime: time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC)}, true},
		{"empty", nil, Package{}, false},
		{"intro only", []byte{0, 0, 0, 1, 0, 0, 0, 0}, Package{}, false},
		{"no entries", []byte{0, 0, 0, 0, 0, 0, 0, 0}, Package{}, false},
		{"too many entries", []byte{0, 1, 0, 0, 0, 0, 0, 0}, Package{}, false},
		{"too much data", []byte{0, 0, 0, 1, 1, 0, 0, 0}, Package{}, false},
		{"truncated", blob(openssl...)[:100], Package{}, false},
		{"trailing bytes", append(blob(openssl...), 0), Package{}, false},
		{"no name", blob(str(TagVersion, "1"), str(TagRelease, "1")), Package{}, false},
		{"empty name", blob(str(TagName, ""), str(TagVersion, "1"), str(TagRelease, "1")), Package{}, false},
		{"name not a string", blob(i32(TagName, 7), str(TagVersion, "1"), str(TagRelease, "1")), Package{}, false},
		{"string count 2", blob(entry{tag: TagName, typ: typeString, count: 2, data: []byte("a\x00b\x00")}, str(TagVersion, "1"), str(TagRelease, "1")), Package{}, false},
		{"unterminated string", blob(str(TagVersion, "1"), str(TagRelease, "1"), entry{tag: TagName, typ: typeString, count: 1, data: []byte("abc")}), Package{}, false},
		{"offset out of range", blob(entry{tag: TagName, typ: typeString, count: 1, data: []byte("a\x00"), off: u32(1 << 30)}, str(TagVersion, "1"), str(TagRelease, "1")), Package{}, false},
		{"negative offset", blob(entry{tag: TagName, typ: typeString, count: 1, data: []byte("a\x00"), off: u32(0xfffffff0)}, str(TagVersion, "1"), str(TagRelease, "1")), Package{}, false},
		{"epoch unaligned", blob(str(TagName, "a"), str(TagVersion, "1"), str(TagRelease, "1"), entry{tag: TagEpoch, typ: typeInt32, count: 1, data: []byte{0, 0, 0, 0, 1}, off: u32(1)}), Package{}, false},
		{"epoch past the end", blob(str(TagName, "abc"), str(TagVersion, "1"), str(TagRelease, "1"), entry{tag: TagEpoch, typ: typeInt32, count: 4, data: []byte{0, 0, 0, 1}}), Package{}, false},
		{"epoch as string", blob(str(TagName, "a"), str(TagVersion, "1"), str(TagRelease, "1"), str(TagEpoch, "1")), Package{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHeader(tt.b)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseHeader(%x) error %v, want ok %v", tt.b, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrBadHeader) {
				t.Errorf("ParseHeader error %v does not wrap ErrBadHeader", err)
			}
			if got != tt.want {
				t.Errorf("ParseHeader(%x) = %+v, want %+v", tt.b, got, tt.want)
			}
		})
	}
}

// FuzzParseHeader checks that no blob makes the parser panic or return
// a package without name and version.
func FuzzParseHeader(f *testing.F) {
	f.Add(blob(openssl...))
	f.Add(blob(str(TagName, "gpg-pubkey"), str(TagVersion, "1"), str(TagRelease, "1")))
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 0})
	f.Add(blob(entry{tag: TagName, typ: typeString, count: 1, data: []byte("a\x00"), off: u32(0xfffffff0)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseHeader(b)
		if err == nil && (p.Name == "" || p.Version == "") {
			t.Errorf("ParseHeader(%x) = %+v with no error", b, p)
		}
	})
}

// FuzzVercmp checks that Vercmp is antisymmetric and never panics.
func FuzzVercmp(f *testing.F) {
	for _, p := range [][2]string{{"1.0", "1.0~rc1"}, {"1.0^git1", "1.0"}, {"5.5p1", "5.5p10"}, {"", "~"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if x, y := Vercmp(a, b), Vercmp(b, a); x != -y || x < -1 || x > 1 {
			t.Errorf("Vercmp(%q, %q) = %d, Vercmp(%q, %q) = %d", a, b, x, b, a, y)
		}
	})
}
