package continuity

import (
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthCorruptTagsFile corrupts or hides the tags file of the full
// host, on which ICO-BCP-01 and ICO-BCP-02 pass, and checks that neither
// then passes: an unread declaration is unknown, never "declares
// nothing". A tags file there but not read in full makes ICO-BCP-02 not
// assessed for that reason, never "not a continuity system"; a removed
// or emptied file is a host that declares nothing, which it may be.
func TestTruthCorruptTagsFile(t *testing.T) {
	const rel = "etc/auditfleet/tags"
	e := policytest.Engine(t, map[string]any{"plans": []any{plan("BCP-IT-01", "2026-03-01", "2025-11-02")}})
	eval := func(t *testing.T, dir string) map[string]result.Result {
		f, _ := mustFacts(t, dir, `{}`)
		return policytest.Evaluate(t, e, policytest.Doc{
			Host:  map[string]any{"id": "h", "name": "app-07"},
			Facts: map[string]any{Namespace: f, "os": debian("13"), "backups": backedUp},
		}, policyNow)
	}
	controls := []string{"ICO-BCP-01", "ICO-BCP-02"}
	base := eval(t, fixture.Copy(t, filepath.Join("testdata", "hosts", "full"), policyNow))
	policytest.Check(t, base, map[string]result.Status{"ICO-BCP-01": result.Pass, "ICO-BCP-02": result.Pass})
	for _, kind := range fixture.Corruptions {
		t.Run(string(kind), func(t *testing.T) {
			dir := fixture.Copy(t, filepath.Join("testdata", "hosts", "full"), policyNow)
			fixture.Corrupt(t, dir, rel, kind)
			r := eval(t, dir)
			for _, id := range controls {
				got, ok := r[id]
				switch {
				case !ok:
					t.Errorf("no %s result", id)
				case got.Status == result.Pass:
					t.Errorf("%s passes with the tags file %s: %+v", id, kind, got.Evidence)
				case got.Status == result.NotAssessed && len(got.Evidence) == 0:
					t.Errorf("%s not assessed without a reason", id)
				default:
					t.Logf("%s = %s: %+v", id, got.Status, got.Evidence)
				}
			}
			if kind == fixture.Removed || kind == fixture.Emptied {
				return
			}
			if got := r["ICO-BCP-02"]; got.Status != result.NotAssessed || len(got.Evidence) != 1 || got.Evidence[0].Fact != "continuity.unread" {
				t.Errorf("ICO-BCP-02 = %s %+v, want not_assessed because the declaration was not read in full", got.Status, got.Evidence)
			}
		})
	}
}
