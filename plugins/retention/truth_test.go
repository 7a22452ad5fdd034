package retention

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthCorruptStore corrupts or hides a declared store directory on a
// host where ICO-RET-01 passes, and checks that the control then never
// passes: a store that was not seen is unknown, never "nothing kept too
// long".
func TestTruthCorruptStore(t *testing.T) {
	nodes := []node{{path: "srv/c/a.pdf", daysAgo: 700}, {path: "srv/c/b.pdf", daysAgo: 10}, {path: "srv/c/b.pdf.deleted", daysAgo: 5}}
	store := map[string]any{"id": "complaints", "path": "/srv/c", "retention_days": 730, "soft_delete_marker": ".deleted"}
	opts, err := json.Marshal(map[string]any{"stores": []any{store}})
	if err != nil {
		t.Fatal(err)
	}
	e := policytest.Engine(t, map[string]any{"data_stores": []any{store}})
	eval := func(t *testing.T, root string) result.Result {
		f, _ := mustFacts(t, testCollector(), root, string(opts))
		r := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)
		got, ok := r["ICO-RET-01"]
		if !ok {
			t.Fatal("no ICO-RET-01 result")
		}
		return got
	}
	if got := eval(t, buildRoot(t, nodes)); got.Status != result.Pass {
		t.Fatalf("ICO-RET-01 on the intact store = %s, want pass", got.Status)
	}
	corrupt := func(kind fixture.Corruption) func(t *testing.T, root string) {
		return func(t *testing.T, root string) { fixture.Corrupt(t, root, "srv/c", kind) }
	}
	tests := []struct {
		name string
		do   func(t *testing.T, root string)
	}{
		{"removed", corrupt(fixture.Removed)},
		{"a file", corrupt(fixture.File)},
		{"dangling symlink", corrupt(fixture.DanglingSymlink)},
		{"symlink loop", func(t *testing.T, root string) {
			fixture.Corrupt(t, root, "srv/c", fixture.Removed)
			if err := os.Symlink("c", filepath.Join(root, "srv", "c")); err != nil {
				t.Fatal(err)
			}
		}},
		{"emptied", corrupt(fixture.Emptied)},
		{"parent a file", func(t *testing.T, root string) { fixture.Corrupt(t, root, "srv", fixture.File) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := buildRoot(t, nodes)
			tt.do(t, root)
			got := eval(t, root)
			t.Logf("%s: %+v", got.Status, got.Evidence)
			policytest.Untrusted{}.Check(t, "ICO-RET-01", got, true)
		})
	}
}
