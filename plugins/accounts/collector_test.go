package accounts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// fixtureOptions are the collector options used for each fixture root.
var fixtureOptions = map[string]string{
	"debian12": `{"extra_admin_groups": ["ops", "no-such-group"]}`,
	"debian13": `{}`,
	"minimal":  `{}`,
	"broken":   `{}`,
}

// collectRoot runs the collector on a fixture root.
func collectRoot(t testing.TB, name string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, New(), filepath.Join("testdata", "roots", name), fixtureOptions[name])
}

// snapshot lists every file under dir with its size, to prove a
// collection changed nothing.
func snapshot(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out[p] = fi.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCollectGolden(t *testing.T) {
	for name := range fixtureOptions {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "roots", name)
			before := snapshot(t, dir)
			f, warns := collectRoot(t, name)
			if after := snapshot(t, dir); !mapsEqual(before, after) {
				t.Errorf("Collect(%s) changed the host root: before %v, after %v", name, before, after)
			}
			// Git does not keep modification times: check them against the
			// files, then blank them for the golden comparison.
			for i := range f.Users {
				for j := range f.Users[i].AuthorizedKeys {
					k := &f.Users[i].AuthorizedKeys[j]
					fi, err := os.Stat(filepath.Join(dir, k.File))
					if err != nil {
						t.Fatal(err)
					}
					if !k.FileModTime.Equal(fi.ModTime()) {
						t.Errorf("key %s:%d FileModTime = %v, want %v", k.File, k.Line, k.FileModTime, fi.ModTime())
					}
					k.FileModTime = time.Time{}
				}
			}
			if warns == nil {
				warns = []string{}
			}
			got, err := json.MarshalIndent(collectortest.Output{Facts: f, Warnings: warns}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			collectortest.Golden(t, filepath.Join("testdata", "golden", name+".json"), append(got, '\n'))
			if bytes.Contains(got, []byte("null")) {
				t.Errorf("Collect(%s) JSON contains null; list fields must be empty lists", name)
			}
		})
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// userByName finds a user in facts.
func userByName(t *testing.T, f Facts, name string) User {
	t.Helper()
	for _, u := range f.Users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no user %q", name)
	return User{}
}

func TestCollectDebian12(t *testing.T) {
	f, _ := collectRoot(t, "debian12")
	user := func(name string) User { return userByName(t, f, name) }

	if u := user("toor"); !u.Admin || !slices.Contains(u.AdminVia, "uid0") || u.UID != 0 {
		t.Errorf("toor (extra UID 0) = admin %v via %v, want admin via uid0", u.Admin, u.AdminVia)
	}
	if u := user("carol"); u.LastLogin.State != "never" {
		t.Errorf("carol (not in a non-empty lastlog) last login = %+v, want never", u.LastLogin)
	}
	if u := user("carol"); u.Admin || !u.Password.ChangeRequired {
		t.Errorf("carol (all commands as postgres, chage -d 0) = admin %v change required %v, want false, true", u.Admin, u.Password.ChangeRequired)
	}
	if u := user("dave"); u.ExpiresOn != "2024-06-30" || u.LastLogin.Source != "wtmp" || u.LastLogin.Time == nil ||
		!u.LastLogin.Time.Equal(time.Date(2024, 3, 1, 16, 20, 0, 0, time.UTC)) {
		t.Errorf("dave (expired, login only in wtmp.1) = expires %q, last login %+v", u.ExpiresOn, u.LastLogin)
	}
	if u := user("dave"); u.SudoNopasswd || !reflect.DeepEqual(u.AdminVia, []string{"group:ops"}) {
		t.Errorf("dave (excluded from %%ops rule, rule in ops.dpkg-old ignored) = nopasswd %v via %v, want false, [group:ops]", u.SudoNopasswd, u.AdminVia)
	}
	if u := user("eve"); u.Password.State != "locked" || len(u.AuthorizedKeys) != 1 || u.SudoNopasswd ||
		!reflect.DeepEqual(u.AdminVia, []string{"group:sudo", "sudoers:/etc/sudoers:21"}) {
		t.Errorf("eve (locked with a key, sudo via gshadow, ops~ ignored) = %+v keys %d nopasswd %v via %v", u.Password, len(u.AuthorizedKeys), u.SudoNopasswd, u.AdminVia)
	}
	if u := user("bob"); !u.SudoNopasswd || !u.Admin || len(u.AuthorizedKeys) != 0 {
		t.Errorf("bob (NOPASSWD: ALL, key only in authorized_keys2) = nopasswd %v admin %v keys %d", u.SudoNopasswd, u.Admin, len(u.AuthorizedKeys))
	}
	if u := user("bob"); u.LastLogin.Source != "lastlog" || u.LastLogin.Host != "198.51.100.7" {
		t.Errorf("bob last login = %+v, want lastlog (newer than wtmp)", u.LastLogin)
	}
	if u := user("alice"); u.LastLogin.Source != "wtmp" || !u.LastLogin.Time.Equal(time.Date(2025, 1, 10, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("alice last login = %+v, want wtmp 2025-01-10T10:00Z (newer than lastlog)", u.LastLogin)
	}
	if u := user("deploy"); !u.SudoNopasswd || u.Admin || len(u.AuthorizedKeys) != 1 || u.AuthorizedKeys[0].File != "/etc/ssh/authorized_keys/deploy" {
		t.Errorf("deploy = nopasswd %v admin %v keys %+v, want nopasswd, not admin, key from /etc/ssh/authorized_keys/deploy", u.SudoNopasswd, u.Admin, u.AuthorizedKeys)
	}
	if u := user("mallory"); u.Password.State != "empty" || !u.Interactive {
		t.Errorf("mallory = %+v interactive %v, want empty password, interactive", u.Password, u.Interactive)
	}
	if u := user("daemon"); u.Interactive || u.Admin {
		t.Errorf("daemon = interactive %v admin %v, want neither", u.Interactive, u.Admin)
	}
	if want := []string{"ops", "sudo"}; !reflect.DeepEqual(f.AdminGroups, want) {
		t.Errorf("admin groups = %v, want %v", f.AdminGroups, want)
	}
	for _, r := range f.SudoRules {
		if r.File == "/etc/sudoers.d/ops.dpkg-old" || r.File == "/etc/sudoers.d/ops~" {
			t.Errorf("rule from skipped file %s", r.File)
		}
	}
}

func TestCollectDebian13(t *testing.T) {
	f, _ := collectRoot(t, "debian13")
	sources := map[string]LoginSource{}
	for _, s := range f.LoginSources {
		sources[s.Path] = s
	}
	if s := sources["/var/log/lastlog"]; !s.Present || s.Records != 0 || s.Error != "" {
		t.Errorf("empty lastlog source = %+v, want present with 0 records", s)
	}
	want := map[string]string{
		"root":  "known lastlog2",
		"alice": "known wtmpdb", // wtmpdb is newer than lastlog2
		"bob":   "known wtmpdb", // not in lastlog2
		"carol": "never ",       // lastlog2 time 0; boot records are not logins
		"frank": "known wtmpdb", // rotated wtmpdb file
		"svc":   "never ",
	}
	for name, w := range want {
		u := userByName(t, f, name)
		if got := u.LastLogin.State + " " + u.LastLogin.Source; got != w {
			t.Errorf("%s last login = %+v, want %s", name, u.LastLogin, w)
		}
	}
	if u := userByName(t, f, "alice"); len(u.AuthorizedKeys) != 1 || u.AuthorizedKeys[0].File != "/home/alice/.ssh/authorized_keys2" {
		t.Errorf("alice keys = %+v, want one from the default authorized_keys2", u.AuthorizedKeys)
	}
}

// TestCollectEmptyLastlogOnly checks that an empty lastlog alone cannot
// make anyone "never" logged in.
func TestCollectEmptyLastlogOnly(t *testing.T) {
	root := writeRoot(t, map[string]string{
		"/etc/passwd":      "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n",
		"/var/log/lastlog": "",
		"/var/log/wtmp":    "",
	})
	resp, err := New().Collect(context.Background(), sdk.Request{Root: root, Options: json.RawMessage("{}")})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range resp.Facts.(Facts).Users {
		if u.LastLogin.State != "unknown" {
			t.Errorf("%s last login = %+v, want unknown", u.Name, u.LastLogin)
		}
	}
}

func TestCollectMinimal(t *testing.T) {
	f, warns := collectRoot(t, "minimal")
	if f.ShadowReadable || len(warns) != 0 {
		t.Errorf("minimal: shadow readable %v warnings %q, want false and none", f.ShadowReadable, warns)
	}
	for _, u := range f.Users {
		if u.Password.State != "unknown" || u.LastLogin.State != "unknown" {
			t.Errorf("%s = password %+v last login %+v, want both unknown", u.Name, u.Password, u.LastLogin)
		}
	}
	for _, s := range f.LoginSources {
		if s.Present {
			t.Errorf("login source %+v present, want absent", s)
		}
	}
	if f.SudoRules == nil || len(f.SudoRules) != 0 {
		t.Errorf("sudo rules = %#v, want an empty list", f.SudoRules)
	}
	if u := userByName(t, f, "app"); !reflect.DeepEqual(u.AdminVia, []string{"group:wheel"}) {
		t.Errorf("app admin via = %v, want [group:wheel]", u.AdminVia)
	}
}

func TestCollectPasswdHashWithoutShadow(t *testing.T) {
	root := writeRoot(t, map[string]string{
		"/etc/passwd": "nopw::1000:1000::/home/nopw:/bin/sh\nold:$1$s$h:1001:1001::/:/bin/sh\nstar:*:1002:1002::/:/bin/sh\nsh:x:1003:1003::/:/bin/sh\n",
		"/etc/shadow": "nopw:$6$s$h:19000::::::\nsh:!:19000::::::\n",
	})
	resp, err := New().Collect(context.Background(), sdk.Request{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"nopw": "empty", "old": "set", "star": "disabled", "sh": "disabled"}
	for _, u := range resp.Facts.(Facts).Users {
		if u.Password.State != want[u.Name] {
			t.Errorf("%s password = %+v, want %s (pam_unix reads shadow only for \"x\")", u.Name, u.Password, want[u.Name])
		}
	}
}

func TestCollectErrors(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
		t.Errorf("Collect without a root gave no error")
	}
	root := writeRoot(t, map[string]string{"/etc/group": "root:x:0:\n"})
	if _, err := New().Collect(context.Background(), sdk.Request{Root: root}); err == nil {
		t.Errorf("Collect without /etc/passwd gave no error")
	}
	root = writeRoot(t, map[string]string{"/etc/passwd": "root:x:0:0::/root:/bin/sh\n", "/etc/group": "root:x:0:\n"})
	resp, err := New().Collect(context.Background(), sdk.Request{Root: root, Options: json.RawMessage(`{"extra_admin_groups": "ops"}`)})
	if err != nil || len(resp.Warnings) != 1 || !strings.HasPrefix(resp.Warnings[0], "options: ") {
		t.Errorf("Collect with bad options = %v, warnings %q, want one options warning", err, resp.Warnings)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New().Collect(ctx, sdk.Request{Root: openFixture(t, "debian12")}); !errors.Is(err, context.Canceled) {
		t.Errorf("Collect with a cancelled context = %v, want %v", err, context.Canceled)
	}
}

func TestInfo(t *testing.T) {
	want := sdk.Info{Name: "accounts", Version: "0.1.0", Namespace: "accounts", SchemaVersion: 1}
	if got := New().Info(); got != want {
		t.Errorf("Info() = %+v, want %+v", got, want)
	}
	if !facts.ValidNamespace(New().Info().Namespace) {
		t.Errorf("namespace %q is not valid", New().Info().Namespace)
	}
}

// openFixture opens a fixture host root.
func openFixture(t testing.TB, name string) *hostroot.Root {
	t.Helper()
	root, err := hostroot.Open(filepath.Join("testdata", "roots", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

// TestCollectWtmpdbNewPath reads the debootstrapped Debian 13 fixture host,
// whose wtmpdb database is at /var/log/wtmp.db with the classic
// /var/lib/wtmpdb/wtmp.db a link to it: the database is read once, and
// frank, whose only login is in wtmpdb, has it.
func TestCollectWtmpdbNewPath(t *testing.T) {
	root, err := hostroot.Open(filepath.Join("..", "..", "testdata", "hosts", "debian13-lastlog2"))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	resp, err := New().Collect(context.Background(), sdk.Request{Root: root, Options: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	f := resp.Facts.(Facts)
	var wtmpdb []LoginSource
	for _, s := range f.LoginSources {
		if s.Name == "wtmpdb" {
			wtmpdb = append(wtmpdb, s)
		}
	}
	if len(wtmpdb) != 1 || wtmpdb[0].Path != "/var/log/wtmp.db" || !wtmpdb[0].Present || wtmpdb[0].Records == 0 {
		t.Fatalf("wtmpdb sources = %+v, want one present source at /var/log/wtmp.db with records", wtmpdb)
	}
	frank := userByName(t, f, "frank")
	if frank.LastLogin.State != "known" || frank.LastLogin.Source != "wtmpdb" {
		t.Fatalf("frank last login = %+v, want known from wtmpdb", frank.LastLogin)
	}
}
