package patching

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicyICOSEC02 runs the collector on fixture roots and evaluates
// the real ICO-SEC-02 policy on its output.
func TestPolicyICOSEC02(t *testing.T) {
	recent := time.Date(2026, 8, 28, 7, 0, 0, 0, time.UTC)
	stale := time.Date(2026, 8, 1, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		root   string
		mtimes map[string]time.Time
		edit   func(t *testing.T, dir string)
		want   result.Status
	}{
		{
			name: "security updates pending since the July security release",
			root: "bookworm-security",
			want: result.Fail,
		},
		{
			name:   "security updates published three days ago",
			root:   "bookworm-security",
			mtimes: map[string]time.Time{secList: recent},
			edit: func(t *testing.T, dir string) {
				fixture.Replace(t, dir, secRelease, "Date: Thu, 16 Jul 2026 19:47:21 UTC", "Date: Fri, 28 Aug 2026 07:00:00 UTC")
			},
			want: result.Pass,
		},
		{
			name: "everything installed",
			root: "bookworm-security",
			edit: func(t *testing.T, dir string) {
				fixture.Replace(t, dir, "var/lib/dpkg/status", "2.36-9+deb12u14", "2.36-9+deb12u15")
				fixture.Replace(t, dir, "var/lib/dpkg/status", "Version: 252.39-1~deb12u2", "Version: 252.39-1")
			},
			want: result.Pass,
		},
		{
			name: "nothing pending but the index is a month old and nothing upgrades",
			root: "bookworm-security",
			mtimes: func() map[string]time.Time {
				m := map[string]time.Time{}
				for _, p := range []string{secList, secRelease, "var/lib/apt/periodic/update-success-stamp",
					"var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
					"var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"} {
					m[p] = stale
				}
				return m
			}(),
			edit: func(t *testing.T, dir string) {
				fixture.Replace(t, dir, "var/lib/dpkg/status", "2.36-9+deb12u14", "2.36-9+deb12u15")
				fixture.Replace(t, dir, "var/lib/dpkg/status", "Version: 252.39-1~deb12u2", "Version: 252.39-1")
				if err := os.Remove(filepath.Join(dir, "etc/apt/apt.conf.d/20auto-upgrades")); err != nil {
					t.Fatal(err)
				}
			},
			want: result.Warn,
		},
		{
			name: "no security suite: cannot pass",
			root: "bookworm",
			want: result.Warn,
		},
		{
			name: "Rocky 9: openssl-libs security advisory pending since July",
			root: "rocky9",
			want: result.Fail,
		},
		{
			name: "Rocky 9: everything current, dnf-automatic applying updates",
			root: "rocky9-patched",
			want: result.Pass,
		},
		{
			name: "Rocky 9: only advisories inside the window pending, but nothing installs them",
			root: "rocky9",
			edit: func(t *testing.T, dir string) {
				fixture.Replace(t, dir, "etc/dnf/automatic.conf", "apply_updates = no", "apply_updates = yes")
				for _, f := range []string{"var/cache/dnf/epel-b71c0e9d2a4f6538"} {
					if err := os.RemoveAll(filepath.Join(dir, f)); err != nil {
						t.Fatal(err)
					}
				}
				execRPMDB(t, dir, "DELETE FROM Packages WHERE hnum IN (SELECT hnum FROM Name WHERE key = 'openssl-libs')")
			},
			want: result.Pass,
		},
		{
			name: "RHEL 8 (Berkeley DB rpm database): openssl-libs security advisory pending since July",
			root: "rhel8",
			want: result.Fail,
		},
		{
			name: "RHEL 8 (Berkeley DB rpm database): everything current, dnf-automatic-install.timer enabled",
			root: "rhel8-patched",
			want: result.Pass,
		},
		{
			name: "RHEL 8: no dnf metadata cache, cannot pass",
			root: "rhel8-patched",
			edit: func(t *testing.T, dir string) {
				if err := os.RemoveAll(filepath.Join(dir, "var/cache/dnf")); err != nil {
					t.Fatal(err)
				}
			},
			want: result.Warn,
		},
		{
			name: "Rocky 9: no dnf metadata cache, cannot pass",
			root: "rocky9-patched",
			edit: func(t *testing.T, dir string) {
				if err := os.RemoveAll(filepath.Join(dir, "var/cache/dnf")); err != nil {
					t.Fatal(err)
				}
			},
			want: result.Warn,
		},
	}
	e := policytest.Engine(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyRoot(t, tt.root, tt.mtimes, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			f, _ := mustFacts(t, root, `{}`)
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)
			policytest.Check(t, results, map[string]result.Status{"ICO-SEC-02": tt.want})
		})
	}
}
