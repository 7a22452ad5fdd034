package accounts

import (
	"reflect"
	"testing"
)

func intp(n int) *int { return &n }

func TestPasswordFromHash(t *testing.T) {
	tests := []struct {
		hash string
		want Password
	}{
		{"", Password{State: "empty"}},
		{"$y$j9T$Wq3bV1pL9xK2mN8rT5yZ0.$gN07.Jf3JKf2Tz82l3FsD0UWc./cJNf8tfiRibQFQL/", Password{State: "set", Scheme: "yescrypt"}},
		{"$6$salt$hash", Password{State: "set", Scheme: "sha512"}},
		{"$5$salt$hash", Password{State: "set", Scheme: "sha256"}},
		{"$1$salt$hash", Password{State: "set", Scheme: "md5"}},
		{"$2a$10$hash", Password{State: "set", Scheme: "bcrypt"}},
		{"$2b$10$hash", Password{State: "set", Scheme: "bcrypt"}},
		{"$2y$10$hash", Password{State: "set", Scheme: "bcrypt"}},
		{"$gy$j9T$salt$hash", Password{State: "set", Scheme: "unknown"}},
		{"abJnggxhB/yWI", Password{State: "set", Scheme: "des"}},
		{"!$6$salt$hash", Password{State: "locked", Scheme: "sha512"}},
		{"!!$y$j9T$salt$hash", Password{State: "locked", Scheme: "yescrypt"}},
		{"!abJnggxhB/yWI", Password{State: "locked", Scheme: "des"}},
		{"*", Password{State: "disabled"}},
		{"!", Password{State: "disabled"}},
		{"!!", Password{State: "disabled"}},
		{"!*", Password{State: "disabled"}},
		{"*LK*", Password{State: "disabled"}},
		{"x", Password{State: "disabled"}},
		{"$nodollar", Password{State: "disabled"}},
		{"!x", Password{State: "disabled"}},
	}
	for _, tt := range tests {
		if got := passwordFromHash(tt.hash); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("passwordFromHash(%q) = %+v, want %+v", tt.hash, got, tt.want)
		}
	}
}

func TestParseShadow(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []shadowEntry
		wantErrs []int
	}{
		{
			name: "full line",
			in:   "bob:$6$s$h:20047:0:90:7:30:20500:\n",
			want: []shadowEntry{{
				Name:      "bob",
				Password:  Password{State: "set", Scheme: "sha512", LastChanged: "2024-11-20", MaxDays: intp(90), InactiveDays: intp(30)},
				ExpiresOn: "2026-02-16",
			}},
		},
		{
			name: "change required and empty fields",
			in:   "carol:$y$j9T$s$h:0::::::\n",
			want: []shadowEntry{{Name: "carol", Password: Password{State: "set", Scheme: "yescrypt", ChangeRequired: true}}},
		},
		{
			name: "epoch expiry and -1 unset",
			in:   "old:*:-1:0:-1:7:-1:0:\n",
			want: []shadowEntry{{Name: "old", Password: Password{State: "disabled"}, ExpiresOn: "1970-01-01"}},
		},
		{
			name: "short line from old tools",
			in:   "legacy:!:19000\n",
			want: []shadowEntry{{Name: "legacy", Password: Password{State: "disabled", LastChanged: "2022-01-08"}}},
		},
		{
			name:     "bad numbers leave fields unset",
			in:       "bob:$6$s$h:soon:0:ninety:7::99999999:\nnopw::1\n",
			want:     []shadowEntry{{Name: "bob", Password: Password{State: "set", Scheme: "sha512"}}, {Name: "nopw", Password: Password{State: "empty", LastChanged: "1970-01-02"}}},
			wantErrs: []int{1, 1, 1},
		},
		{
			name:     "too many fields",
			in:       "a:b:c:d:e:f:g:h:i:j\n:x:1::::::\n# comment\n",
			wantErrs: []int{1, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := parseShadow([]byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseShadow(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if lines := errLines(errs); !reflect.DeepEqual(lines, tt.wantErrs) {
				t.Errorf("parseShadow(%q) errors on lines %v (%v), want %v", tt.in, lines, errs, tt.wantErrs)
			}
		})
	}
}

func TestDaysToDate(t *testing.T) {
	tests := []struct {
		days int
		want string
	}{
		{0, "1970-01-01"},
		{1, "1970-01-02"},
		{19723, "2024-01-01"},
		{maxShadowDays, "9999-12-31"},
	}
	for _, tt := range tests {
		if got := daysToDate(tt.days); got != tt.want {
			t.Errorf("daysToDate(%d) = %q, want %q", tt.days, got, tt.want)
		}
	}
}

func FuzzParseShadow(f *testing.F) {
	f.Add([]byte("root:*:19800:0:99999:7:::\n"))
	f.Add([]byte("bob:!!$6$s$h:0:1:2:3:4:5:\n"))
	f.Add([]byte("x:$:999999999999999999999:-5::::2932897:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _ := parseShadow(data)
		for _, e := range entries {
			switch e.Password.State {
			case stateSet, stateEmpty, stateLocked, stateDisabled:
			default:
				t.Errorf("parseShadow(%q) state %q", data, e.Password.State)
			}
		}
	})
}
