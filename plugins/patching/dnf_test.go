package patching

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/plugins/internal/rpmdb"
)

// dnfRoots are the real-dnf validation roots (testdata/dnf/build.sh):
// one per compression of the updateinfo and modules metadata, and
// variants of the gz root's module state.
var dnfRoots = []string{"none", "gz", "bz2", "xz", "zstd", "zck",
	"modules-nostate", "modules-localdefault", "modules-nostream", "modules-conflict"}

// dnfPending is what dnf says about one installed package (name.arch).
type dnfPending struct {
	advisories []string  // from `dnf updateinfo list --security`
	newest     rpmdb.EVR // the newest advisory package
	candidate  string    // from `dnf check-update --security`, "" when absent
	repo       string    // the candidate's repository
}

// parseNEVRA splits "openssl-libs-1:3.0.7-25.el9_3.x86_64" as dnf
// prints it into "name.arch" and its EVR.
func parseNEVRA(s string) (string, rpmdb.EVR, bool) {
	nevr, arch, ok1 := cutLast(s, ".")
	nev, release, ok2 := cutLast(nevr, "-")
	name, ev, ok3 := cutLast(nev, "-")
	if !ok1 || !ok2 || !ok3 {
		return "", rpmdb.EVR{}, false
	}
	evr := rpmdb.EVR{Version: ev, Release: release}
	if e, v, ok := strings.Cut(ev, ":"); ok {
		n, err := rpmdb.ParseEpoch(e)
		if err != nil {
			return "", rpmdb.EVR{}, false
		}
		evr.Epoch, evr.Version = n, v
	}
	return name + "." + arch, evr, true
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i <= 0 || i == len(s)-len(sep) {
		return "", "", false
	}
	return s[:i], s[i+len(sep):], true
}

// readLines returns the fields of each non-empty line of a file.
func readLines(t *testing.T, p string) [][]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 0 {
			out = append(out, fields)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readDnfAnswer reads dnf's two answers of a validation root:
// `dnf updateinfo list --security` lines "RLSA-2026:1001 Important/Sec.
// openssl-libs-1:3.0.7-25.el9_3.x86_64" and `dnf check-update --security`
// lines "openssl-libs.x86_64 1:3.0.7-27.el9 baseos".
func readDnfAnswer(t *testing.T, dir string) map[string]*dnfPending {
	t.Helper()
	out := map[string]*dnfPending{}
	for _, l := range readLines(t, filepath.Join(dir, "dnf-updateinfo.txt")) {
		if len(l) != 3 || !strings.HasSuffix(l[1], "/Sec.") {
			t.Fatalf("dnf-updateinfo.txt: unexpected line %q", l)
		}
		key, evr, ok := parseNEVRA(l[2])
		if !ok {
			t.Fatalf("dnf-updateinfo.txt: cannot parse NEVRA %q", l[2])
		}
		p := out[key]
		if p == nil {
			p = &dnfPending{newest: evr}
			out[key] = p
		}
		if !slices.Contains(p.advisories, l[0]) {
			p.advisories = append(p.advisories, l[0])
		}
		if rpmdb.CompareEVR(evr, p.newest) > 0 {
			p.newest = evr
		}
	}
	for _, l := range readLines(t, filepath.Join(dir, "dnf-check-update.txt")) {
		if len(l) != 3 {
			t.Fatalf("dnf-check-update.txt: unexpected line %q", l)
		}
		p := out[l[0]]
		if p == nil {
			t.Fatalf("dnf check-update --security upgrades %s, which dnf updateinfo does not list", l[0])
		}
		p.candidate, p.repo = l[1], l[2]
	}
	for _, p := range out {
		slices.Sort(p.advisories)
	}
	return out
}

// TestPendingMatchesDnf checks the collector against dnf itself, on RPM
// roots whose metadata cache dnf filled (`dnf --installroot … makecache`
// from local repositories built with createrepo_c and modifyrepo_c;
// testdata/dnf/build.sh), one root per metadata compression and four
// more module stream states: the
// pending security updates are exactly the installed packages (name and
// architecture) `dnf updateinfo list --security` lists, each with the
// advisories dnf lists for it, and the candidate version and repository
// are those `dnf check-update --security` would upgrade to. Where dnf
// itself cannot read the updateinfo (zchunk: Debian's dnf is built
// without it, and there is no maintained Go reader), the collector must
// not answer either: every such updateinfo is an unread source.
func TestPendingMatchesDnf(t *testing.T) {
	for _, name := range dnfRoots {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "dnf", name)
			if _, err := os.Stat(filepath.Join(dir, "root")); err != nil {
				t.Fatalf("no %s validation root (run testdata/dnf/build.sh): %v", name, err)
			}
			root := fixture.Copy(t, filepath.Join(dir, "root"), fileTime)
			fixture.Gunzip(t, root, "rpmdb.sqlite.gz")
			facts, warns := mustFacts(t, root, `{}`)

			if _, err := os.Stat(filepath.Join(dir, "dnf-error.txt")); err == nil {
				assertUnreadUpdateinfo(t, root, facts)
				return
			} else if !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if len(facts.UnreadSources) > 0 || len(warns) > 0 {
				t.Fatalf("unread sources %+v, warnings %q on a root dnf reads", facts.UnreadSources, warns)
			}
			dnf := readDnfAnswer(t, dir)
			if len(dnf) == 0 {
				t.Fatal("dnf lists no pending security advisory on this root: rebuild it so that the test compares something")
			}
			byName := map[string][]string{}
			for key := range dnf {
				name, _, _ := cutLast(key, ".")
				byName[name] = append(byName[name], key)
			}
			matched := map[string]bool{}
			for _, p := range facts.Pending {
				// The collector names a package "name.arch" when several
				// architectures of it are installed, else "name".
				key := p.Package
				if _, ok := dnf[key]; !ok {
					if keys := byName[p.Package]; len(keys) == 1 {
						key = keys[0]
					} else {
						t.Errorf("%s: the collector reports %s pending (%v); dnf lists %v", p.Package, p.CandidateVersion, p.Advisories, keys)
						continue
					}
				}
				if matched[key] {
					t.Errorf("%s: reported twice", key)
				}
				matched[key] = true
				d := dnf[key]
				if !slices.Equal(p.Advisories, d.advisories) {
					t.Errorf("%s: advisories %v, dnf's %v", key, p.Advisories, d.advisories)
				}
				if p.CandidateVersion != d.newest.String() {
					t.Errorf("%s: candidate %s, dnf's newest advisory package %s", key, p.CandidateVersion, d.newest)
				}
				if d.candidate != "" && (p.CandidateVersion != d.candidate || p.Origin != d.repo) {
					t.Errorf("%s: candidate %s from %s, dnf check-update's %s from %s", key, p.CandidateVersion, p.Origin, d.candidate, d.repo)
				}
			}
			for key, d := range dnf {
				if !matched[key] {
					t.Errorf("%s: dnf lists %v (newest %s); the collector has no pending update", key, d.advisories, d.newest)
				}
			}
			t.Logf("%d packages with security advisories by dnf, %d pending by the collector", len(dnf), len(facts.Pending))
		})
	}
}

// assertUnreadUpdateinfo checks, on a root whose updateinfo dnf could not
// read, that the collector lists every updateinfo of the cache as an
// unread source and claims no index refresh.
func assertUnreadUpdateinfo(t *testing.T, root string, facts Facts) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "var", "cache", "dnf", "*", "repodata", "*-updateinfo.xml*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no updateinfo in the cache: %v", err)
	}
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		host := path.Join("/", filepath.ToSlash(rel))
		if !slices.ContainsFunc(facts.UnreadSources, func(u Unread) bool { return u.Path == host && u.Reason != "" }) {
			t.Errorf("%s: dnf cannot read it; the collector does not list it as unread (%+v)", host, facts.UnreadSources)
		}
	}
	if facts.IndexRefreshed != nil {
		t.Errorf("index refreshed %v although no updateinfo was read", facts.IndexRefreshed)
	}
}
