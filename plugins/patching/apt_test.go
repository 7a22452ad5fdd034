package patching

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/internal/dpkg"
)

// aptUpgrade is one line of `apt list --upgradable`.
type aptUpgrade struct {
	suites    []string // e.g. bookworm-security
	candidate string
}

// readAptUpgradable parses `apt list --upgradable` output:
// "openssl/bookworm-security 3.0.17-1~deb12u3 amd64 [upgradable from: 3.0.16-1~deb12u1]".
func readAptUpgradable(t *testing.T, path string) map[string]aptUpgrade {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]aptUpgrade{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.Contains(fields[0], "/") {
			continue // "Listing..."
		}
		name, suites, _ := strings.Cut(fields[0], "/")
		out[name] = aptUpgrade{suites: strings.Split(suites, ","), candidate: fields[1]}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPendingMatchesApt checks the collector against apt itself, on real
// Debian 12 roots built with debootstrap and refreshed with apt-get update
// inside a chroot (testdata/apt/build.sh), once with apt's default layout
// and once laid out as container images keep their lists (lz4): the
// pending security updates are exactly the packages apt would upgrade
// from the security suite, at apt's candidate version. The one allowed
// difference is a security update that a later point release in the
// main or updates suite supersedes: apt's candidate then comes from that
// suite (and is no older than the security version), so apt does not
// label it security, but the security fix is still not installed.
func TestPendingMatchesApt(t *testing.T) {
	layouts, err := filepath.Glob(filepath.Join("testdata", "apt", "*", "apt-upgradable.txt"))
	if err != nil || len(layouts) < 2 {
		t.Fatalf("want the stock and container validation roots (testdata/apt/build.sh), found %v: %v", layouts, err)
	}
	for _, answer := range layouts {
		dir := filepath.Dir(answer)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			apt := readAptUpgradable(t, answer)
			facts, _ := collectortest.Facts[Facts](t, New(), filepath.Join(dir, "root"), "")
			if len(facts.UnreadSources) > 0 {
				t.Fatalf("unread sources on a root apt reads: %+v", facts.UnreadSources)
			}
			wantSecurity := 0
			for name, u := range apt {
				if !slices.ContainsFunc(u.suites, func(s string) bool { return strings.HasSuffix(s, "-security") }) {
					continue
				}
				wantSecurity++
				i := slices.IndexFunc(facts.Pending, func(p Update) bool { return p.Package == name })
				if i < 0 {
					t.Errorf("%s: apt upgrades it from the security suite to %s; the collector has no pending update", name, u.candidate)
					continue
				}
				if got := facts.Pending[i].CandidateVersion; got != u.candidate {
					t.Errorf("%s: candidate %s, apt's %s", name, got, u.candidate)
				}
			}
			if wantSecurity == 0 {
				t.Fatal("apt lists no security upgrade on this root: rebuild it so that the test compares something")
			}
			for _, p := range facts.Pending {
				u, ok := apt[p.Package]
				switch {
				case !ok:
					t.Errorf("%s: the collector reports %s pending; apt would not upgrade it", p.Package, p.CandidateVersion)
				case !slices.ContainsFunc(u.suites, func(s string) bool { return strings.HasSuffix(s, "-security") }):
					if c, err := dpkg.CompareVersions(u.candidate, p.CandidateVersion); err != nil || c < 0 {
						t.Errorf("%s: pending security version %s, apt's candidate %s from %v is older (%v)", p.Package, p.CandidateVersion, u.candidate, u.suites, err)
					}
				}
			}
			t.Logf("%d security upgrades by apt, %d pending by the collector", wantSecurity, len(facts.Pending))
		})
	}
}
