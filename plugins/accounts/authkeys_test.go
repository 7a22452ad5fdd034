package accounts

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// pubKey reads a key from testdata/keys without its trailing newline.
func pubKey(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "keys", name+".pub"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestParseAuthorizedKeys(t *testing.T) {
	// Fingerprints as printed by ssh-keygen -lf testdata/keys/NAME.pub.
	const (
		aliceFP = "SHA256:3snZa1v0VjhfQ7ZofF7+bxIGbCNq6SEkCRpqj+IpR84"
		rsaFP   = "SHA256:IdcgobFIyIXsKHf4FcilArVyyEm5xccjh0P6A2kvvrM"
		eveFP   = "SHA256:zYjVCUGYgVhvS+k2Ga8iBKMSju9V478WE05iDr73N9A"
	)
	alice, rsa, eve := pubKey(t, "alice-ed25519"), pubKey(t, "alice-rsa"), pubKey(t, "eve-ecdsa")
	noComment := strings.Join(strings.Fields(alice)[:2], " ")
	tests := []struct {
		name     string
		in       string
		want     []parsedKey
		wantErrs []int
	}{
		{
			name: "plain keys",
			in:   alice + "\n" + rsa + "\r\n",
			want: []parsedKey{
				{Line: 1, Type: "ssh-ed25519", Fingerprint: aliceFP, Comment: "alice@laptop"},
				{Line: 2, Type: "ssh-rsa", Fingerprint: rsaFP, Comment: "alice@old-desktop"},
			},
		},
		{
			name: "options, comments, blanks and no comment",
			in:   "# managed by hand\n\n  " + `from="192.0.2.0/24",command="/bin/echo a,b",no-pty ` + eve + "\n" + noComment + "\n",
			want: []parsedKey{
				{Line: 3, Type: "ecdsa-sha2-nistp256", Fingerprint: eveFP, Comment: "eve@phone", Options: []string{`from="192.0.2.0/24"`, `command="/bin/echo a,b"`, "no-pty"}},
				{Line: 4, Type: "ssh-ed25519", Fingerprint: aliceFP},
			},
		},
		{
			name:     "bad lines are reported",
			in:       "not a key\nssh-ed25519 AAAA!!!\n" + alice + "\nssh-rsa\n",
			want:     []parsedKey{{Line: 3, Type: "ssh-ed25519", Fingerprint: aliceFP, Comment: "alice@laptop"}},
			wantErrs: []int{1, 2, 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := parseAuthorizedKeys([]byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseAuthorizedKeys(%q) =\n%+v\nwant\n%+v", tt.in, got, tt.want)
			}
			if lines := errLines(errs); !reflect.DeepEqual(lines, tt.wantErrs) {
				t.Errorf("parseAuthorizedKeys(%q) errors on lines %v, want %v", tt.in, lines, tt.wantErrs)
			}
		})
	}
}

func TestUserKeys(t *testing.T) {
	alice := pubKey(t, "alice-ed25519")
	root := writeRoot(t, map[string]string{
		"/home/alice/.ssh/authorized_keys":  alice + "\n",
		"/home/alice/.ssh/authorized_keys2": "junk\n" + alice + "\n",
		"/etc/ssh/keys/alice":               alice + "\n",
		"/home/big/.ssh/authorized_keys":    strings.Repeat("#", authorizedKeysReadLimit+1),
		"/home/file":                        "a file, not a directory",
	})
	if err := os.MkdirAll(filepath.Join(root.Dir(), "home/alice/.ssh/dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		user     passwdEntry
		patterns []string
		want     []string // file:line
		wantWarn int
	}{
		{"defaults", passwdEntry{Name: "alice", Home: "/home/alice"}, defaultAuthorizedKeysFiles,
			[]string{"/home/alice/.ssh/authorized_keys:1", "/home/alice/.ssh/authorized_keys2:2"}, 1},
		{"sorted and deduplicated", passwdEntry{Name: "alice", Home: "/home/alice"}, []string{"/etc/ssh/keys/%u", ".ssh/authorized_keys", "%h/.ssh/authorized_keys", "none"},
			[]string{"/etc/ssh/keys/alice:1", "/home/alice/.ssh/authorized_keys:1"}, 0},
		{"directory is not a key file", passwdEntry{Name: "alice", Home: "/home/alice"}, []string{".ssh/dir"}, nil, 0},
		{"missing home", passwdEntry{Name: "nobody", Home: "/nonexistent"}, defaultAuthorizedKeysFiles, nil, 0},
		{"home is a file", passwdEntry{Name: "odd", Home: "/home/file"}, defaultAuthorizedKeysFiles, nil, 0},
		{"empty home", passwdEntry{Name: "nohome"}, defaultAuthorizedKeysFiles, nil, 0},
		{"too large", passwdEntry{Name: "big", Home: "/home/big"}, defaultAuthorizedKeysFiles, nil, 1},
		{"bad token", passwdEntry{Name: "alice", Home: "/home/alice"}, []string{"%C"}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w sdk.Warnings
			keys := userKeys(context.Background(), root, tt.patterns, tt.user, &w)
			var got []string
			for _, k := range keys {
				got = append(got, k.File+":"+strconv.Itoa(k.Line))
				if k.FileModTime.IsZero() {
					t.Errorf("key %s:%d has no FileModTime", k.File, k.Line)
				}
			}
			if keys == nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("userKeys(%s) = %q (nil %v), want %q", tt.user.Name, got, keys == nil, tt.want)
			}
			if len(w) != tt.wantWarn {
				t.Errorf("userKeys(%s) warnings = %q, want %d", tt.user.Name, w, tt.wantWarn)
			}
		})
	}
}

func FuzzParseAuthorizedKeys(f *testing.F) {
	f.Add([]byte(pubKey(f, "alice-ed25519") + "\n"))
	f.Add([]byte(`command="x",no-pty ` + pubKey(f, "eve-ecdsa") + "\n# c\n\n"))
	f.Add([]byte("ssh-rsa AAAAB3NzaC1yc2E=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, _ := parseAuthorizedKeys(data)
		for _, k := range keys {
			if !strings.HasPrefix(k.Fingerprint, "SHA256:") {
				t.Errorf("parseAuthorizedKeys(%q) fingerprint %q", data, k.Fingerprint)
			}
		}
	})
}
