package accounts

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
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
					checkUntrusted(t, id, r)
				}
			})
		}
	}
}

// checkUntrusted reports a control that passes, warns, or claims zero of
// something on facts from a corrupted source.
func checkUntrusted(t *testing.T, id string, r result.Result) {
	t.Helper()
	switch r.Status {
	case result.NotAssessed:
		if len(r.Evidence) == 0 {
			t.Errorf("%s not_assessed without a reason", id)
		}
	case result.Error, result.Fail:
	default:
		t.Errorf("%s = %s on a corrupted source, want not_assessed, error or fail: %+v", id, r.Status, r.Evidence)
	}
	if slices.ContainsFunc(r.Evidence, func(e result.Evidence) bool { return strings.HasPrefix(e.Detail, "0 ") }) {
		t.Errorf("%s reports a count of zero on a corrupted source: %+v", id, r.Evidence)
	}
}

// TestTruthSudoersCutShort cuts each sudoers file in the middle of each
// of its lines: what is left may parse (sudo accepts a last line without
// a newline), but the rules and includes after the cut are lost, so the
// file is unread and the controls it feeds never pass. A file cut at a
// line's end cannot be told from a shorter one and is not tried.
func TestTruthSudoersCutShort(t *testing.T) {
	now := time.Date(2025, 4, 20, 0, 0, 0, 0, time.UTC)
	e := policytest.Engine(t, map[string]any{
		"thresholds":      map[string]any{"dormant_days": 200},
		"leavers":         []any{map[string]any{"user": "svc", "email": "svc@example.gov.uk", "left_on": "2025-01-01"}},
		"approved_admins": []any{map[string]any{"user": "alice"}},
	})
	for _, src := range []struct{ root, rel string }{{"debian13", "etc/sudoers"}, {"debian12", "etc/sudoers.d/ops"}} {
		intact, err := os.ReadFile(filepath.Join("testdata", "roots", src.root, filepath.FromSlash(src.rel)))
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range fixture.MidLineCuts(intact) {
			t.Run(fmt.Sprintf("%s/%s/cut at %d", src.root, src.rel, cut), func(t *testing.T) {
				dir := fixture.Copy(t, filepath.Join("testdata", "roots", src.root), now.AddDate(0, -1, 0))
				fixture.Write(t, dir, map[string]string{src.rel: string(intact[:cut])})
				f, _ := collectortest.Facts[Facts](t, New(), dir, fixtureOptions[src.root])
				if !slices.Contains(f.UnreadSources, "/"+src.rel) {
					t.Errorf("unread_sources = %q, want /%s in it", f.UnreadSources, src.rel)
				}
				results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)
				for _, id := range []string{"ICO-ACC-02", "ICO-ACC-03"} {
					checkUntrusted(t, id, results[id])
				}
			})
		}
	}
}
