package dpkg

import (
	"errors"
	"testing"
)

// TestCompareVersions checks orderings that dpkg --compare-versions
// gives (many from dpkg's own t-version test and Debian Policy 5.6.12).
func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0-1", "1.0-1", 0},
		{"0:1.0", "1.0", 0},     // epoch 0 is the default
		{"1.0", "1.0-0", 0},     // absent revision equals "0"
		{"1.0-0", "1.0-00", 0},  // leading zeros are insignificant
		{"1.01", "1.1", 0},      // numerically equal
		{"1.0", "1.1", -1},      // upstream
		{"1.9", "1.10", -1},     // numbers, not strings
		{"1.0-1", "1.0-2", -1},  // revision
		{"1.0-9", "1.0-10", -1}, // numeric revision
		{"1:1.0", "2.0", 1},     // epoch beats upstream
		{"1:0.1", "0:9.9", 1},   // epoch beats upstream
		{"2:1.0", "10:1.0", -1}, // numeric epoch
		{"1.0~rc1", "1.0", -1},  // tilde sorts before the end
		{"1.0~~", "1.0~~a", -1}, // Debian Policy's example chain
		{"1.0~~a", "1.0~", -1},  //
		{"1.0~", "1.0", -1},     //
		{"1.0", "1.0a", -1},     //
		{"1.0~rc1", "1.0~rc2", -1},
		{"1.0a", "1.0+", -1}, // letters before other characters
		{"1.0+", "1.0.", -1}, // '+' (43) before '.' (46)
		{"3.0.13-1~deb12u1", "3.0.14-1~deb12u2", -1},
		{"252.39-1~deb12u2", "252.39-1", -1},                 // a backport/stable rebuild is older than the plain revision
		{"2.36-9+deb12u14", "2.36-9+deb12u15", -1},           // security rebuilds
		{"2.36-9+deb12u9", "2.36-9+deb12u10", -1},            // u9 < u10 numerically
		{"1:2.38.1-5+deb12u3", "2.40-1", 1},                  // epoch
		{"1.9.13p3-1+deb12u4", "1.9.13p3-1+deb12u4", 0},      // identical
		{"1.9.13p3-1+deb12u4", "1.9.13p4-1", -1},             // letter then digits
		{"2026b-0+deb12u1", "2026a-0+deb12u1", 1},            // tzdata
		{"5.2.15-2+b13", "5.2.15-2+b2", 1},                   // binNMU numbers
		{"1.2.13.dfsg-1", "1.2.13-1", 1},                     // "." vs end
		{"9.1-1", "9.1-1ubuntu1", -1},                        // Ubuntu delta
		{"9.1-1ubuntu1", "9.1-1ubuntu1.1", -1},               // Ubuntu SRU
		{"2.0-1ubuntu0.22.04.1", "2.0-1ubuntu0.22.04.2", -1}, // Ubuntu security
		{"1.0-1a-2", "1.0-1b-1", -1},                         // hyphens in upstream
		{"00000000000000000000001", "1", 0},                  // numbers of any length
		{"99999999999999999999999", "99999999999999999999998", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_vs_"+tt.b, func(t *testing.T) {
			got, err := CompareVersions(tt.a, tt.b)
			if err != nil {
				t.Fatalf("CompareVersions(%q, %q) error: %v", tt.a, tt.b, err)
			}
			if got != tt.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			back, _ := CompareVersions(tt.b, tt.a)
			if back != -tt.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.b, tt.a, back, -tt.want)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    Version
		wantErr bool
	}{
		{in: "1.0", want: Version{upstream: "1.0"}},
		{in: "1:2.38.1-5+deb12u3", want: Version{epoch: 1, upstream: "2.38.1", revision: "5+deb12u3"}},
		{in: "1.0-1a-2", want: Version{upstream: "1.0-1a", revision: "2"}},
		{in: "2:1:0-1", want: Version{epoch: 2, upstream: "1:0", revision: "1"}},
		{in: "", wantErr: true},
		{in: "a:1.0", wantErr: true},
		{in: ":1.0", wantErr: true},
		{in: "-1:1.0", wantErr: true},
		{in: "1:", wantErr: true},
		{in: "1.0-", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "1.0 2", wantErr: true},
		{in: "99999999999999999999999:1", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseVersion(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrBadVersion) {
				t.Errorf("ParseVersion(%q) = %+v, %v; want an ErrBadVersion error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseVersion(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// FuzzCompareDebVersions checks that the comparison is a total order on
// what it accepts: reflexive, antisymmetric, and never panicking.
func FuzzCompareVersions(f *testing.F) {
	for _, s := range [][2]string{{"1.0~rc1", "1.0"}, {"1:1.0-1", "2.0"}, {"2.36-9+deb12u14", "2.36-9+deb12u15"}, {"", "0"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, errA := CompareVersions(a, b)
		ba, errB := CompareVersions(b, a)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("CompareVersions(%q, %q) and reverse disagree on errors: %v, %v", a, b, errA, errB)
		}
		if errA != nil {
			return
		}
		if ab != -ba {
			t.Errorf("CompareVersions(%q, %q) = %d but reverse = %d", a, b, ab, ba)
		}
		if c, _ := CompareVersions(a, a); c != 0 {
			t.Errorf("CompareVersions(%q, itself) = %d, want 0", a, c)
		}
	})
}
