package accounts

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
)

// absentOK are corruptions that leave a host in a legitimate state the
// collector cannot tell from it: sudo not installed, a drop-in deleted,
// wtmpdb's current database rotated away; sudo itself skips what is
// not a regular file in an includedir (a directory, a link to nothing),
// so its rules are truly not in force; and an empty sudoers file, main
// or included, grants no one anything, as sudo reads it too.
var absentOK = map[string]bool{
	"debian12/etc/sudoers.d/ops/directory":        true,
	"debian12/etc/sudoers.d/ops/dangling symlink": true,
	"debian13/etc/sudoers/removed":                true,
	"debian13/etc/sudoers/empty":                  true,
	"debian12/etc/sudoers.d/ops/removed":          true,
	"debian12/etc/sudoers.d/ops/empty":            true,
	"debian13/var/lib/wtmpdb/wtmp.db/removed":     true,
}

// TestTruthUnreadSources corrupts each source of the accounts facts in turn
// and evaluates the controls they feed: none may pass, nor report zero
// found. Each must be not_assessed (with the reason), error or fail.
func TestTruthUnreadSources(t *testing.T) {
	// On the intact fixtures every control passes at this time: the last
	// logins are within the dormancy period, the leaver's account is
	// locked, and the admins are approved.
	now := time.Date(2025, 4, 20, 0, 0, 0, 0, time.UTC)
	org := map[string]any{
		"thresholds":      map[string]any{"dormant_days": 200},
		"leavers":         []any{map[string]any{"user": "svc", "email": "svc@example.gov.uk", "left_on": "2025-01-01"}},
		"approved_admins": []any{map[string]any{"user": "alice"}},
	}
	e := policytest.Engine(t, org)
	sources := []struct {
		root, path string
		controls   []string
		skip       []string // corruptions that leave the source legitimately readable
	}{
		{root: "debian13", path: "etc/passwd", controls: []string{"ICO-ACC-01", "ICO-ACC-02", "ICO-ACC-03"}},
		{root: "debian13", path: "etc/shadow", controls: []string{"ICO-ACC-01", "ICO-ACC-02", "ICO-ACC-03"}},
		{root: "debian13", path: "etc/group", controls: []string{"ICO-ACC-03"}},
		{root: "debian13", path: "etc/sudoers", controls: []string{"ICO-ACC-02", "ICO-ACC-03"}},
		{root: "debian12", path: "etc/sudoers.d/ops", controls: []string{"ICO-ACC-02", "ICO-ACC-03"}},
		{root: "debian13", path: "var/lib/wtmpdb/wtmp.db", controls: []string{"ICO-ACC-01"}},
		{root: "debian13", path: "var/lib/lastlog/lastlog2.db", controls: []string{"ICO-ACC-01"}},
		{root: "debian12", path: "var/log/lastlog", controls: []string{"ICO-ACC-01"}},
		{root: "debian12", path: "var/log/wtmp", controls: []string{"ICO-ACC-01"}},
	}
	for _, src := range sources {
		for _, kind := range append([]fixture.Corruption{""}, fixture.Corruptions...) {
			name := src.root + "/" + src.path + "/" + string(kind)
			if kind == "" {
				name += "intact"
			}
			t.Run(name, func(t *testing.T) {
				if absentOK[name] {
					t.Skip("absence is a legitimate state the collector cannot tell from removal")
				}
				dir := fixture.Copy(t, filepath.Join("testdata", "roots", src.root), now.AddDate(0, -1, 0))
				if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(src.path))); err != nil {
					t.Skipf("fixture has no %s", src.path)
				}
				if kind != "" {
					fixture.Corrupt(t, dir, src.path, kind)
				}
				if _, err := collectortest.Run(t, New(), dir, fixtureOptions[src.root]); err != nil {
					t.Logf("collector error (the controls end in error): %v", err)
					return
				}
				f, warns := collectortest.Facts[Facts](t, New(), dir, fixtureOptions[src.root])
				results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)
				for _, id := range src.controls {
					r, ok := results[id]
					if !ok {
						t.Errorf("no %s result", id)
						continue
					}
					t.Logf("%s = %s %+v (warnings %q)", id, r.Status, r.Evidence, warns)
					if kind == "" {
						continue
					}
					policytest.Untrusted{}.Check(t, id, r, true)
				}
			})
		}
	}
}
