package continuity

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTruthCorruptTagsFile corrupts or hides the tags file of the full
// host, on which ICO-BCP-01 and ICO-BCP-02 pass, and checks that neither
// then passes: an unread declaration is unknown, never "declares
// nothing".
func TestTruthCorruptTagsFile(t *testing.T) {
	const rel = "etc/auditfleet/tags"
	tests := []struct {
		name string
		do   func(t *testing.T, p string)
	}{
		{"removed", func(t *testing.T, p string) { mustDo(t, os.Remove(p)) }},
		{"directory", func(t *testing.T, p string) { mustDo(t, os.Remove(p)); mustDo(t, os.Mkdir(p, 0o755)) }},
		{"dangling symlink", func(t *testing.T, p string) { mustDo(t, os.Remove(p)); mustDo(t, os.Symlink("/nonexistent/tags", p)) }},
		{"empty", func(t *testing.T, p string) { mustDo(t, os.WriteFile(p, nil, 0o644)) }},
		{"truncated", func(t *testing.T, p string) { mustDo(t, os.WriteFile(p, []byte("# auditfleet host decl"), 0o644)) }},
		{"garbage", func(t *testing.T, p string) {
			b := make([]byte, 2048)
			for i := range b {
				b[i] = byte(i*131 + 7)
			}
			mustDo(t, os.WriteFile(p, b, 0o644))
		}},
	}
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fixture.Copy(t, filepath.Join("testdata", "hosts", "full"), policyNow)
			tt.do(t, filepath.Join(dir, rel))
			r := eval(t, dir)
			for _, id := range controls {
				got, ok := r[id]
				switch {
				case !ok:
					t.Errorf("no %s result", id)
				case got.Status == result.Pass:
					t.Errorf("%s passes with the tags file %s: %+v", id, tt.name, got.Evidence)
				case got.Status == result.NotAssessed && len(got.Evidence) == 0:
					t.Errorf("%s not assessed without a reason", id)
				default:
					t.Logf("%s = %s: %+v", id, got.Status, got.Evidence)
				}
			}
		})
	}
}
