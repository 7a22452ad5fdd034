package packages

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
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

const (
	mainList = "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
	secList  = "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages"
	status   = "var/lib/dpkg/status"
)

// eolOptions are end-of-life dates as endoflife.date gives them for
// Python 3.11 and Node.js 18.
const eolOptions = `{"runtime_lifecycle":"endoflife-date/endoflife.date@a70eca3","runtime_eol":{"python":{"3.11":"2027-10-31"},"nodejs":{"18":"2025-04-30"}}}`

// fileTime is the time of every fixture file: the collector reads no
// file times, but copies must not depend on checkout time.
var fileTime = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// copyRoot copies testdata/roots/name to a temporary directory; edit,
// when not nil, may change the copy.
func copyRoot(t testing.TB, name string, edit func(dir string)) string {
	t.Helper()
	dst := fixture.Copy(t, filepath.Join("testdata", "roots", name), fileTime)
	if edit != nil {
		edit(dst)
	}
	return dst
}

// mustFacts runs the collector and checks its output against the schema.
func mustFacts(t testing.TB, root, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, New(), root, options)
}

func TestCollectGolden(t *testing.T) {
	tests := []struct{ name, root, options string }{
		// Everything installed comes from bookworm or bookworm-security.
		{"bookworm", "bookworm", `{}`},
		{"bookworm-eol", "bookworm", eolOptions},
		// A bullseye library left behind by the upgrade.
		{"bullseye-leftovers", "bullseye-leftovers", eolOptions},
		{"bad-options", "bookworm", `{"runtime_lifecycle":7,"runtime_eol":{"python":{"3.11":"next year","3.12":5}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, copyRoot(t, tt.root, nil), tt.options)
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestCollectForeign states the expectations outright, so that a wrong
// golden file cannot hide a wrong answer.
func TestCollectForeign(t *testing.T) {
	tests := []struct {
		name string
		root string
		edit func(t *testing.T, dir string)
		want []string
	}{
		{"all from the lists", "bookworm", nil, nil},
		{"bullseye leftover", "bullseye-leftovers", nil, []string{"libssl1.1 1.1.1w-0+deb11u1 amd64"}},
		{"foreign architecture without a list", "bookworm", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, status, "Architecture: amd64\nVersion: 1.9.13p3-1+deb12u4", "Architecture: i386\nVersion: 1.9.13p3-1+deb12u4")
		}, []string{"sudo 1.9.13p3-1+deb12u4 i386"}},
		{"installed version offered by no list", "bookworm", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, status, "Version: 1.9.13p3-1+deb12u4", "Version: 1.9.13p3-1+deb12u4local1")
		}, []string{"sudo 1.9.13p3-1+deb12u4local1 amd64"}},
		{"older than the lists offer: apt upgrades it", "bookworm", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, status, "Version: 1.9.13p3-1+deb12u4", "Version: 1.9.13p3-1+deb12u3")
		}, nil},
		{"only in the security list", "bookworm", func(t *testing.T, dir string) {
			fixture.RemoveStanza(t, dir, mainList, "sudo")
		}, nil},
		{"repository removed", "bookworm", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, secList)); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"package only in a removed repository", "bookworm", func(t *testing.T, dir string) {
			fixture.RemoveStanza(t, dir, mainList, "sudo")
			if err := os.Remove(filepath.Join(dir, secList)); err != nil {
				t.Fatal(err)
			}
		}, []string{"sudo 1.9.13p3-1+deb12u4 amd64"}},
		{"explicit zero epoch", "bookworm", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, status, "Version: 2.6.1\n", "Version: 0:2.6.1\n")
		}, nil},
		{"configuration files only are not installed", "bullseye-leftovers", func(t *testing.T, dir string) {
			fixture.Replace(t, dir, status, "Package: libssl1.1\nStatus: install ok installed", "Package: libssl1.1\nStatus: deinstall ok config-files")
		}, nil},
		{"gzip list", "bookworm", func(t *testing.T, dir string) {
			p := filepath.Join(dir, mainList)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			if _, err := zw.Write(b); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p+".gz", buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyRoot(t, tt.root, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			f, warns := mustFacts(t, dir, `{}`)
			if len(warns) != 0 {
				t.Errorf("warnings %q, want none", warns)
			}
			var got []string
			for _, p := range f.Foreign {
				got = append(got, p.Name+" "+p.Version+" "+p.Architecture)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("foreign =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestCollectFacts(t *testing.T) {
	f, _ := mustFacts(t, copyRoot(t, "bullseye-leftovers", nil), eolOptions)
	if f.Manager != "dpkg" || f.Installed != 12 {
		t.Errorf("manager %q, installed %d; want dpkg, 12 (openssl has only configuration files)", f.Manager, f.Installed)
	}
	wantRepos := "deb.debian.org/debian bookworm/main\ndeb.debian.org/debian-security bookworm-security/main"
	if got := strings.Join(f.Repositories, "\n"); got != wantRepos {
		t.Errorf("repositories =\n%s\nwant\n%s", got, wantRepos)
	}
	want := []Runtime{
		{Name: "nodejs", Version: "18.19.0", Cycle: "18", Path: "/usr/bin/node", Package: "nodejs", EOL: "2025-04-30"},
		{Name: "python", Version: "3.11.2", Cycle: "3.11", Path: "/usr/bin/python3.11", Package: "python3.11-minimal", EOL: "2027-10-31"},
	}
	if len(f.Runtimes) != len(want) {
		t.Fatalf("runtimes = %+v, want %+v", f.Runtimes, want)
	}
	for i := range want {
		if f.Runtimes[i] != want[i] {
			t.Errorf("runtimes[%d] = %+v, want %+v", i, f.Runtimes[i], want[i])
		}
	}
	if f.RuntimeLifecycle != "endoflife-date/endoflife.date@a70eca3" {
		t.Errorf("runtime lifecycle %q", f.RuntimeLifecycle)
	}
}

func TestCollectErrors(t *testing.T) {
	tests := []struct {
		root          string
		notApplicable bool
		wantInMessage string
	}{
		{"empty", true, "no supported package manager"},
		{"rhel", true, "/var/lib/rpm"},
		{"no-lists", true, "no Packages lists"},
	}
	for _, tt := range tests {
		t.Run(tt.root, func(t *testing.T) {
			resp, err := collectortest.Run(t, New(), copyRoot(t, tt.root, nil), `{}`)
			if err == nil {
				t.Fatalf("Collect(%s) = %+v, want an error", tt.root, resp)
			}
			if errors.Is(err, sdk.ErrNotApplicable) != tt.notApplicable {
				t.Errorf("Collect(%s) error %v: wraps sdk.ErrNotApplicable = %v, want %v", tt.root, err, !tt.notApplicable, tt.notApplicable)
			}
			if !strings.Contains(err.Error(), tt.wantInMessage) {
				t.Errorf("Collect(%s) error %q does not contain %q", tt.root, err, tt.wantInMessage)
			}
		})
	}
}

func TestCollectUnreadableList(t *testing.T) {
	dir := copyRoot(t, "bookworm", func(dir string) {
		if err := os.WriteFile(filepath.Join(dir, "var/lib/apt/lists/example.org_repo_dists_stable_main_binary-amd64_Packages.xz"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	f, warns := mustFacts(t, dir, `{}`)
	if len(warns) != 1 || !strings.Contains(warns[0], "xz: unexpected EOF") {
		t.Errorf("warnings %q, want one about the truncated .xz list", warns)
	}
	if len(f.Repositories) != 2 {
		t.Errorf("repositories %q: the unread list must not be counted", f.Repositories)
	}
	if len(f.UnreadSources) != 1 || f.Foreign != nil {
		t.Errorf("unread %+v, foreign %+v: want the .xz list unread and foreign unknown", f.UnreadSources, f.Foreign)
	}
}

func TestCollectNoRoot(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{Options: json.RawMessage(`{}`)}); err == nil {
		t.Error("Collect without a root succeeded, want an error")
	}
}

func TestCollectCancelled(t *testing.T) {
	collectortest.Cancelled(t, New(), copyRoot(t, "bookworm", nil), `{}`)
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "packages" || i.Namespace != Namespace || i.SchemaVersion != SchemaVersion || !facts.ValidNamespace(i.Namespace) {
		t.Errorf("Info() = %+v", i)
	}
}
