package rpmdb

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestVercmp checks Vercmp against the answers of the real rpm 4.18 in
// testdata/vercmp.txt (regenerate with testdata/vercmp.sh).
func TestVercmp(t *testing.T) {
	f, err := os.Open("testdata/vercmp.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) != 3 {
			t.Fatalf("bad line %q", line)
		}
		want, err := strconv.Atoi(fs[2])
		if err != nil {
			t.Fatalf("bad line %q", line)
		}
		n++
		if got := Vercmp(fs[0], fs[1]); got != want {
			t.Errorf("Vercmp(%q, %q) = %d, want %d (rpm)", fs[0], fs[1], got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d cases in testdata/vercmp.txt", n)
	}
}

// TestVercmpEmpty covers what rpm.vercmp cannot be asked (it refuses an
// empty version), following rpmvercmp's C code: the empty string is
// older than anything but a tilde, and "\x00" ends a string.
func TestVercmpEmpty(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "1", -1},
		{"1", "", 1},
		{"", "~", 1},
		{"~", "", -1},
		{"", "^", -1},
		{"^", "", 1},
		{"", ".", 0},
		{"1.0\x00zzz", "1.0", 0},
	}
	for _, tt := range tests {
		if got := Vercmp(tt.a, tt.b); got != tt.want {
			t.Errorf("Vercmp(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompareEVR(t *testing.T) {
	tests := []struct {
		a, b EVR
		want int
	}{
		{EVR{1, "3.0.7", "24.el9"}, EVR{1, "3.0.7", "27.el9"}, -1},
		{EVR{0, "9.9", "1"}, EVR{1, "0.1", "1"}, -1},
		{EVR{2, "8.2", "20.el9_1"}, EVR{2, "8.2", "20.el9_1"}, 0},
		{EVR{0, "1.0", "2"}, EVR{0, "1.0~rc1", "9"}, 1},
		{EVR{0, "1.0", "1.el9"}, EVR{0, "1.0", "1.el9_0"}, -1},
	}
	for _, tt := range tests {
		if got := CompareEVR(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareEVR(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareEVR(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareEVR(%v, %v) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestEVRString(t *testing.T) {
	for _, tt := range []struct {
		e    EVR
		want string
	}{
		{EVR{0, "5.1.8", "6.el9_1"}, "5.1.8-6.el9_1"},
		{EVR{1, "3.0.7", "27.el9"}, "1:3.0.7-27.el9"},
	} {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.e, got, tt.want)
		}
	}
}

func TestParseEpoch(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"", 0, true}, {"0", 0, true}, {"2", 2, true}, {"4294967295", 4294967295, true},
		{"4294967296", 0, false}, {"-1", 0, false}, {"x", 0, false},
	} {
		got, err := ParseEpoch(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseEpoch(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
