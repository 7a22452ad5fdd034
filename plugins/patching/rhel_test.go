package patching

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/internal/rpmdb"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// autoStamp is dnf-automatic.timer's systemd stamp in the RHEL fixtures.
const autoStamp = "var/lib/systemd/timers/stamp-dnf-automatic.timer"

// execRPMDB runs SQL statements on the fixture's rpm database copy; it is
// test setup, not host access.
func execRPMDB(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "var/lib/rpm/rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestCollectRocky states the rocky9 expectations outright, so that a
// wrong golden file cannot hide a wrong answer.
func TestCollectRocky(t *testing.T) {
	f, warns := mustFacts(t, copyRoot(t, "rocky9", nil, nil), `{}`)
	if f.Manager != "dnf" {
		t.Errorf("manager %q, want dnf", f.Manager)
	}
	var got []string
	for _, u := range f.Pending {
		got = append(got, u.Package+" "+u.InstalledVersion+" -> "+u.CandidateVersion+" "+u.Origin+" "+
			strings.Join(u.Advisories, ",")+" "+u.PendingSince.Format(time.RFC3339))
	}
	// openssl-libs: two security advisories newer than the installed
	// version, pending since the older; the i686 and openssl-devel
	// entries are not installed. kernel-core: the newer of the two
	// installed kernels is current with RLSA-2026:1102 but not :1300.
	// bash: only a bug-fix advisory. ca-certificates: current.
	// epel-release: from EPEL's xz-compressed updateinfo.
	want := []string{
		"epel-release 9-7.el9 -> 9-8.el9 epel FEDORA-EPEL-2026-0a1b2c3d4e 2026-07-01T00:00:00Z",
		"kernel-core 5.14.0-427.31.1.el9_4 -> 5.14.0-503.11.1.el9_5 baseos RLSA-2026:1300 2026-08-29T09:00:00Z",
		"openssl-libs 1:3.0.7-24.el9 -> 1:3.0.7-27.el9 baseos RLSA-2026:1001,RLSA-2026:1187 2026-07-02T10:15:00Z",
		"vim-minimal 2:8.2.2637-20.el9_1 -> 2:8.2.2637-21.el9 appstream RLSA-2026:1250 2026-08-20T16:45:00Z",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pending =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(warns) != 0 {
		t.Errorf("warnings %q, want none", warns)
	}
	if f.IndexRefreshed == nil || !f.IndexRefreshed.Equal(fileTime) {
		t.Errorf("index refreshed %v, want %v", f.IndexRefreshed, fileTime)
	}
	a := f.AutomaticUpdates
	if a.Enabled || a.Mechanism != "dnf-automatic" || a.Source != "/etc/dnf/automatic.conf" || a.LastRun != nil {
		t.Errorf("automatic updates = %+v, want dnf-automatic found but not applying updates", a)
	}
}

func TestCollectRockyRefresh(t *testing.T) {
	// libdnf touches the primary list when it finds the metadata current:
	// that is the refresh time, not repomd.xml's.
	m, err := filepath.Glob("testdata/roots/rocky9/var/cache/dnf/baseos-*/repodata/*-primary.xml.gz")
	if err != nil || len(m) != 1 {
		t.Fatalf("baseos primary list: %v %v", m, err)
	}
	primary, err := filepath.Rel("testdata/roots/rocky9", m[0])
	if err != nil {
		t.Fatal(err)
	}
	touched := fileTime.Add(3 * time.Hour)
	f, _ := mustFacts(t, copyRoot(t, "rocky9", map[string]time.Time{filepath.ToSlash(primary): touched}, nil), `{}`)
	if f.IndexRefreshed == nil || !f.IndexRefreshed.Equal(touched) {
		t.Errorf("index refreshed %v, want the primary list's %v", f.IndexRefreshed, touched)
	}
}

func TestCollectDnfAutomatic(t *testing.T) {
	wants := "etc/systemd/system/timers.target.wants/"
	tests := []struct {
		name        string
		root        string
		edit        func(t *testing.T, dir string)
		wantEnabled bool
		wantSource  string
		wantLastRun bool
	}{
		{"applying", "rocky9-patched", nil, true, "/etc/dnf/automatic.conf", true},
		{"downloading only", "rocky9", nil, false, "/etc/dnf/automatic.conf", false},
		{"timer not enabled", "rocky9-patched", func(t *testing.T, dir string) {
			remove(t, dir, wants+"dnf-automatic.timer")
		}, false, "/etc/dnf/automatic.conf", false},
		{"timer masked", "rocky9-patched", func(t *testing.T, dir string) {
			symlink(t, "/dev/null", filepath.Join(dir, "etc/systemd/system/dnf-automatic.timer"))
		}, false, "/etc/dnf/automatic.conf", false},
		{"install timer", "rocky9", func(t *testing.T, dir string) {
			remove(t, dir, wants+"dnf-automatic.timer")
			symlink(t, "/usr/lib/systemd/system/dnf-automatic-install.timer", filepath.Join(dir, wants+"dnf-automatic-install.timer"))
		}, true, "/etc/systemd/system/timers.target.wants/dnf-automatic-install.timer", false},
		{"apply_updates in another section", "rocky9", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, "etc/dnf/automatic.conf", "[emitters]", "[emitters]\napply_updates = yes")
		}, false, "/etc/dnf/automatic.conf", false},
		{"apply_updates = True", "rocky9", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, "etc/dnf/automatic.conf", "apply_updates = no", "apply_updates = True")
		}, true, "/etc/dnf/automatic.conf", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyRoot(t, tt.root, nil, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			f, _ := mustFacts(t, root, `{}`)
			a := f.AutomaticUpdates
			if a.Enabled != tt.wantEnabled || a.Mechanism != "dnf-automatic" || a.Source != tt.wantSource || (a.LastRun != nil) != tt.wantLastRun {
				t.Errorf("automatic updates = %+v, want enabled %v, source %q, last run known %v", a, tt.wantEnabled, tt.wantSource, tt.wantLastRun)
			}
		})
	}
}

func TestCollectRHELNotApplicable(t *testing.T) {
	tests := []struct {
		name, root, want string
		edit             func(t *testing.T, dir string)
	}{
		{"no rpm database", "rhel", "no rpm database", nil},
		{"SUSE's NDB", "rhel", "the rpm database in NDB format (SUSE) is not supported", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "usr/lib/sysimage/rpm/Packages.db")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, make([]byte, 4096), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		// RHEL 7: its Berkeley DB rpm database reads, but yum 3's
		// metadata cache does not.
		{"yum's cache only (RHEL 7)", "rhel8", "yum's cache (RHEL 7, CentOS 7, Amazon Linux 2) is not read", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "var/cache/dnf")); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(dir, "var/cache/yum/x86_64/7/base"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyRoot(t, tt.root, nil, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			resp, err := collectortest.Run(t, New(), root, `{}`)
			if !errors.Is(err, sdk.ErrNotApplicable) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Collect(%s) = %+v, %v; want an sdk.ErrNotApplicable error saying %q", tt.root, resp, err, tt.want)
			}
		})
	}
}

// TestCollectRHEL8 states the rhel8 expectations outright, so that a
// wrong golden file cannot hide a wrong answer: the packages come from
// the Berkeley DB rpm database, the advisories from the dnf cache as on
// RHEL 9.
func TestCollectRHEL8(t *testing.T) {
	f, warns := mustFacts(t, copyRoot(t, "rhel8", nil, nil), `{}`)
	if f.Manager != "dnf" {
		t.Errorf("manager %q, want dnf", f.Manager)
	}
	var got []string
	for _, u := range f.Pending {
		got = append(got, u.Package+" "+u.InstalledVersion+" -> "+u.CandidateVersion+" "+u.Origin+" "+
			strings.Join(u.Advisories, ",")+" "+u.PendingSince.Format(time.RFC3339))
	}
	// glibc's header is larger than a database page (overflow pages).
	// kernel-core: the newer of the two installed kernels is current.
	// bash: only a bug-fix advisory. The i686 openssl-libs is not
	// installed; tzdata only has an enhancement advisory.
	want := []string{
		"glibc 2.28-236.el8_9.13 -> 2.28-251.el8_10.5 rhel-8-for-x86_64-baseos-rpms RHSA-2026:2090 2026-08-27T15:00:00Z",
		"openssl-libs 1:1.1.1k-12.el8_9 -> 1:1.1.1k-14.el8_10 rhel-8-for-x86_64-baseos-rpms RHSA-2026:2001 2026-07-08T11:20:00Z",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pending =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(warns) != 0 {
		t.Errorf("warnings %q, want none", warns)
	}
	if f.IndexRefreshed == nil || !f.IndexRefreshed.Equal(fileTime) {
		t.Errorf("index refreshed %v, want %v", f.IndexRefreshed, fileTime)
	}
	a := f.AutomaticUpdates
	if a.Enabled || a.Mechanism != "dnf-automatic" || a.Source != "/etc/dnf/automatic.conf" || a.LastRun != nil {
		t.Errorf("automatic updates = %+v, want dnf-automatic found but not applying updates", a)
	}
}

// corruptOverflowPage makes the first overflow page of the fixture's
// Berkeley DB Packages file (4096-byte pages) a page of another type, so
// that the header on that chain cannot be read; it is test setup.
func corruptOverflowPage(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, "var/lib/rpm/Packages")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for off := 4096; off+4096 <= len(b); off += 4096 {
		if b[off+25] == 7 {
			b[off+25] = 0
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no overflow page in the fixture's Packages")
}

func TestCollectRHEL8AllRecordsBad(t *testing.T) {
	root := copyRoot(t, "rhel8", nil, func(dir string) {
		p := filepath.Join(dir, "var/lib/rpm/Packages")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for off := 4096; off+4096 <= len(b); off += 4096 {
			if b[off+25] == 13 { // every hash page's item count made odd
				b[off+20] |= 1
			}
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	_, err := collectortest.Run(t, New(), root, `{}`)
	if err == nil || errors.Is(err, sdk.ErrNotApplicable) || !strings.Contains(err.Error(), "installed packages unknown") {
		t.Errorf("Collect with every hash page corrupt = %v, want an error (not 'not applicable')", err)
	}
	root = copyRoot(t, "rhel8", nil, func(dir string) {
		if err := os.Truncate(filepath.Join(dir, "var/lib/rpm/Packages"), 4096*3); err != nil {
			t.Fatal(err)
		}
	})
	_, err = collectortest.Run(t, New(), root, `{}`)
	if err == nil || errors.Is(err, sdk.ErrNotApplicable) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("Collect with a truncated Packages = %v, want an error", err)
	}
}

func TestCollectRHELAllHeadersBad(t *testing.T) {
	root := copyRoot(t, "rocky9", nil, func(dir string) {
		execRPMDB(t, dir, "UPDATE Packages SET blob = x'00'")
	})
	_, err := collectortest.Run(t, New(), root, `{}`)
	if err == nil || errors.Is(err, sdk.ErrNotApplicable) || !strings.Contains(err.Error(), "installed packages unknown") {
		t.Errorf("Collect with every header corrupt = %v, want an error (not 'not applicable')", err)
	}
}

func TestRPMPending(t *testing.T) {
	pkgs := []rpmdb.Package{
		{Name: "openssl-libs", Epoch: 1, Version: "3.0.7", Release: "24.el9", Arch: "x86_64"},
		{Name: "openssl-libs", Epoch: 1, Version: "3.0.7", Release: "24.el9", Arch: "i686"},
		{Name: "kernel-core", Version: "5.14.0", Release: "427.31.1.el9_4", Arch: "x86_64"},
		{Name: "kernel-core", Version: "5.14.0", Release: "427.13.1.el9_4", Arch: "x86_64"},
		{Name: "gpg-pubkey", Version: "350d275d", Release: "6279464b"},
	}
	inst := installedRPMs(pkgs)
	if len(inst) != 3 || inst["kernel-core\x00x86_64"].Release != "427.31.1.el9_4" {
		t.Errorf("installedRPMs = %+v, want the newest kernel and no gpg-pubkey", inst)
	}
	since := time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)
	cands := map[string]*rpmCandidate{
		"openssl-libs\x00i686": {evr: rpmdb.EVR{Epoch: 1, Version: "3.0.7", Release: "27.el9"}, origin: "baseos", advisories: map[string]bool{"RLSA-2026:1187": true, "RLSA-2026:1001": true}, since: since},
	}
	got := rpmPending(inst, cands)
	want := []Update{{Package: "openssl-libs.i686", InstalledVersion: "1:3.0.7-24.el9", CandidateVersion: "1:3.0.7-27.el9",
		Origin: "baseos", Advisories: []string{"RLSA-2026:1001", "RLSA-2026:1187"}, PendingSince: since}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rpmPending = %+v, want %+v", got, want)
	}
}

func remove(t *testing.T, dir, rel string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestCollectRockyCancelled(t *testing.T) {
	r, err := hostroot.Open(copyRoot(t, "rocky9", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New().Collect(ctx, sdk.Request{Root: r, Options: json.RawMessage(`{}`)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Collect with a cancelled context = %v, want context.Canceled", err)
	}
}
