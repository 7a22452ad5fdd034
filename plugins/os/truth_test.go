package osinfo

import (
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

// TestTruthUnreadSources corrupts the os-release file a fixture's
// identity comes from and evaluates the control it decides, ICO-SEC-01:
// it must not pass on a corrupted source, spoilt in every way
// fixture.Corrupt knows.
func TestTruthUnreadSources(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	e := policytest.Engine(t, nil)
	sources := []struct {
		root, path string
		// wantIntact is ICO-SEC-01 on the intact fixture.
		wantIntact result.Status
	}{
		{"testdata/roots/ubuntu2404", "etc/os-release", result.Pass},
		{"testdata/roots/ubuntu2404", "usr/lib/os-release", result.Pass},
		{"testdata/roots/alpine320", "etc/os-release", result.Warn},
		{"testdata/roots/debian-sid-usrlib", "usr/lib/os-release", ""},
	}
	for _, src := range sources {
		intact, _ := collectortest.Facts[Facts](t, New(), src.root, "{}")
		for _, kind := range append([]fixture.Corruption{""}, fixture.Corruptions...) {
			name := filepath.Base(src.root) + "/" + src.path + "/" + string(kind)
			if kind == "" {
				name += "intact"
			}
			t.Run(name, func(t *testing.T) {
				dir := fixture.Copy(t, src.root, now)
				// The other os-release stays as it is: os-release(5) falls
				// back to /usr/lib only when /etc/os-release does not exist.
				if kind != "" {
					fixture.Corrupt(t, dir, src.path, kind)
				}
				if _, err := collectortest.Run(t, New(), dir, "{}"); err != nil {
					t.Logf("collector error (ICO-SEC-01 ends in error): %v", err)
					return
				}
				f, warns := collectortest.Facts[Facts](t, New(), dir, "{}")
				results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)
				r, ok := results["ICO-SEC-01"]
				if !ok {
					t.Fatal("no ICO-SEC-01 result")
				}
				t.Logf("ICO-SEC-01 = %s %+v (warnings %q)", r.Status, r.Evidence, warns)
				if kind == "" {
					if src.wantIntact != "" && r.Status != src.wantIntact {
						t.Errorf("ICO-SEC-01 on the intact fixture = %s, want %s", r.Status, src.wantIntact)
					}
					return
				}
				switch r.Status {
				case result.NotAssessed, result.Error, result.Fail:
					if r.Status == result.NotAssessed && len(r.Evidence) == 0 {
						t.Error("ICO-SEC-01 not_assessed without a reason")
					}
				default:
					// A pass or warning is right only when the identity did
					// not depend on the corrupted file (the fallback
					// os-release was read) or the corruption left every
					// field the control reads as it was.
					same := f.ID == intact.ID && f.VersionID == intact.VersionID && f.VersionCodename == intact.VersionCodename
					if f.ReleaseSource == "/"+src.path && !same {
						t.Errorf("ICO-SEC-01 = %s on a corrupted %s: %+v", r.Status, src.path, r.Evidence)
					}
				}
				if slices.ContainsFunc(r.Evidence, func(e result.Evidence) bool { return strings.HasPrefix(e.Detail, "0 ") }) {
					t.Errorf("ICO-SEC-01 reports a count of zero: %+v", r.Evidence)
				}
			})
		}
	}
}
