package patching

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// testNow is the evaluation time of the policy tests.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// fileTime is the modification time every fixture file gets unless a
// test says otherwise: a refresh the morning before testNow.
var fileTime = time.Date(2026, 8, 31, 6, 0, 0, 0, time.UTC)

const (
	secList    = "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages"
	secRelease = "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease"
	runStamp   = "var/lib/apt/periodic/unattended-upgrades-stamp"
)

// copyRoot copies testdata/roots/name to a temporary directory (git
// keeps no modification times), rpmdb.sqlite.gz and Packages.gz unpacked
// (dnf's metadata stays compressed, as dnf keeps it). edit, when not nil,
// may change the copy; then every file gets fileTime, and the files of
// mtimes that exist (paths relative to the root) their time.
func copyRoot(t testing.TB, name string, mtimes map[string]time.Time, edit func(dir string)) string {
	t.Helper()
	dst := fixture.Copy(t, filepath.Join("testdata", "roots", name), fileTime)
	fixture.Gunzip(t, dst, "rpmdb.sqlite.gz", "Packages.gz")
	if edit != nil {
		edit(dst)
		fixture.TouchFiles(t, dst, fileTime)
	}
	m := map[string]time.Time{runStamp: fileTime.Add(20 * time.Minute)}
	maps.Copy(m, mtimes)
	for p := range m {
		if _, err := os.Lstat(filepath.Join(dst, filepath.FromSlash(p))); errors.Is(err, fs.ErrNotExist) {
			delete(m, p)
		}
	}
	fixture.Touch(t, dst, m)
	return dst
}

// mustFacts runs the collector and checks its output against the schema.
func mustFacts(t testing.TB, root, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, New(), root, options)
}

func TestCollectGolden(t *testing.T) {
	tests := []struct {
		name, root, options string
		mtimes              map[string]time.Time
		edit                func(t *testing.T, dir string)
	}{
		// A debootstrap'd bookworm as it comes: no security suite.
		{"bookworm", "bookworm", `{}`, nil, nil},
		// Security suite with pending updates; the Release Date is
		// older than the list's mtime, so it is the pending time.
		{"bookworm-security", "bookworm-security", `{}`, nil, nil},
		// The list is older than its Release Date: the list's time.
		{"bookworm-security-old-list", "bookworm-security", `{}`, map[string]time.Time{secList: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}, nil},
		{"bad-options", "bookworm-security", `{"security_lists":["[", 7]}`, nil, nil},
		// A pattern makes the main list a security list too.
		{"extra-pattern", "bookworm-security", `{"security_lists":["deb.debian.org_debian_dists_bookworm_main_*"]}`, nil, nil},
		// Rocky 9: openssl-libs pending since its July advisory, the
		// EPEL updateinfo unreadable (xz), dnf-automatic only downloading.
		{"rocky9", "rocky9", `{}`, nil, nil},
		// Everything current, dnf-automatic installing security updates.
		{"rocky9-patched", "rocky9-patched", `{}`, map[string]time.Time{autoStamp: fileTime.Add(30 * time.Minute)}, nil},
		// A corrupt header in the rpm database: a warning, the rest read.
		{"rocky9-corrupt-header", "rocky9", `{}`, nil, func(t *testing.T, dir string) {
			execRPMDB(t, dir, "INSERT INTO Packages(blob) VALUES (x'0000000200000010deadbeef')")
		}},
		// No dnf metadata cache: nothing can show, so no refresh time.
		{"rocky9-no-cache", "rocky9", `{}`, nil, func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "var/cache/dnf")); err != nil {
				t.Fatal(err)
			}
		}},
		// RHEL 8, its rpm database in Berkeley DB format: openssl-libs
		// pending since its July advisory, glibc since August's.
		{"rhel8", "rhel8", `{}`, nil, nil},
		// Everything current, dnf-automatic-install.timer enabled.
		{"rhel8-patched", "rhel8-patched", `{}`, map[string]time.Time{"var/lib/systemd/timers/stamp-dnf-automatic-install.timer": fileTime.Add(30 * time.Minute)}, nil},
		// A damaged overflow chain in the Berkeley DB: a warning, the
		// other headers read.
		{"rhel8-corrupt-page", "rhel8", `{}`, nil, func(t *testing.T, dir string) { corruptOverflowPage(t, dir) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyRoot(t, tt.root, tt.mtimes, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			f, warns := mustFacts(t, root, tt.options)
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestCollectPending states the bookworm-security expectations outright,
// so that a wrong golden file cannot hide a wrong answer.
func TestCollectPending(t *testing.T) {
	root := copyRoot(t, "bookworm-security", nil, nil)
	f, warns := mustFacts(t, root, `{}`)
	if len(warns) != 0 {
		t.Errorf("warnings %q, want none", warns)
	}
	var got []string
	for _, u := range f.Pending {
		got = append(got, u.Package+" "+u.InstalledVersion+" -> "+u.CandidateVersion)
		if u.Origin != "Debian-Security:12/oldstable-security" {
			t.Errorf("%s: origin %q", u.Package, u.Origin)
		}
		if want := time.Date(2026, 7, 16, 19, 47, 21, 0, time.UTC); !u.PendingSince.Equal(want) {
			t.Errorf("%s: pending since %v, want the Release Date %v", u.Package, u.PendingSince, want)
		}
	}
	// libc6 is installed for amd64 and i386, so it is named with its
	// architecture; sudo is current, libgnutls30 newer than the security
	// version, openssl only has configuration files left.
	want := []string{
		"libc-bin 2.36-9+deb12u14 -> 2.36-9+deb12u15",
		"libc6:amd64 2.36-9+deb12u14 -> 2.36-9+deb12u15",
		"libsystemd0 252.39-1~deb12u2 -> 252.39-1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pending =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	a := f.AutomaticUpdates
	if !a.Enabled || a.Mechanism != "unattended-upgrades" || a.Source != "/etc/apt/apt.conf.d/20auto-upgrades" ||
		a.LastRun == nil || !a.LastRun.Equal(fileTime.Add(20*time.Minute)) {
		t.Errorf("automatic updates = %+v, want enabled by 20auto-upgrades, last run 06:20", a)
	}
	if f.IndexRefreshed == nil || !f.IndexRefreshed.Equal(fileTime) {
		t.Errorf("index refreshed = %v, want %v", f.IndexRefreshed, fileTime)
	}
}

func TestCollectAutomatic(t *testing.T) {
	conf := "etc/apt/apt.conf.d/20auto-upgrades"
	tests := []struct {
		name        string
		edit        func(t *testing.T, dir string)
		wantEnabled bool
		wantMech    string
		wantSource  string
	}{
		{"enabled", nil, true, "unattended-upgrades", "/etc/apt/apt.conf.d/20auto-upgrades"},
		{"switched off", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, conf, `Unattended-Upgrade "1"`, `Unattended-Upgrade "0"`)
		}, false, "unattended-upgrades", "/etc/apt/apt.conf.d/20auto-upgrades"},
		{"overridden by apt.conf", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "etc/apt/apt.conf"), []byte("APT { Periodic { Unattended-Upgrade \"0\"; }; };\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, false, "unattended-upgrades", "/etc/apt/apt.conf"},
		{"package not installed", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, "var/lib/dpkg/status", "Package: unattended-upgrades\nStatus: install ok installed", "Package: unattended-upgrades\nStatus: deinstall ok config-files")
		}, false, "unattended-upgrades", "/etc/apt/apt.conf.d/20auto-upgrades"},
		{"no configuration", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, conf)); err != nil {
				t.Fatal(err)
			}
		}, false, "unattended-upgrades", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyRoot(t, "bookworm-security", nil, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			f, _ := mustFacts(t, root, `{}`)
			a := f.AutomaticUpdates
			if a.Enabled != tt.wantEnabled || a.Mechanism != tt.wantMech || a.Source != tt.wantSource {
				t.Errorf("automatic updates = %+v, want enabled %v, mechanism %q, source %q", a, tt.wantEnabled, tt.wantMech, tt.wantSource)
			}
		})
	}
}

func TestCollectUnsupported(t *testing.T) {
	for _, name := range []string{"rhel", "empty"} {
		t.Run(name, func(t *testing.T) {
			resp, err := collectortest.Run(t, New(), copyRoot(t, name, nil, nil), `{}`)
			if !errors.Is(err, sdk.ErrNotApplicable) {
				t.Errorf("Collect(%s) = %+v, %v; want an sdk.ErrNotApplicable error", name, resp, err)
			}
			if name == "rhel" && (err == nil || !strings.Contains(err.Error(), "RHEL")) {
				t.Errorf("Collect(rhel) error %v does not name the RHEL family", err)
			}
		})
	}
}

func TestCollectNoRoot(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{Options: json.RawMessage(`{}`)}); err == nil {
		t.Error("Collect without a root succeeded, want an error")
	}
}

func TestCollectCancelled(t *testing.T) {
	collectortest.Cancelled(t, New(), copyRoot(t, "bookworm-security", nil, nil), `{}`)
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "patching" || i.Namespace != Namespace || i.SchemaVersion != SchemaVersion || !facts.ValidNamespace(i.Namespace) {
		t.Errorf("Info() = %+v", i)
	}
}
