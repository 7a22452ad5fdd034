package retention

import (
	"encoding/json"
	"testing"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicyICORET01 runs the collector on fixture trees and evaluates
// the real ICO-RET-01 policy on its output.
func TestPolicyICORET01(t *testing.T) {
	tests := []struct {
		name  string
		nodes []node
		store map[string]any // the register entry, also the collector's store option
		want  result.Status
	}{
		{
			name:  "within retention and purged",
			nodes: []node{{path: "srv/c/a.pdf", daysAgo: 700}, {path: "srv/c/b.pdf", daysAgo: 10}, {path: "srv/c/b.pdf.deleted", daysAgo: 5}},
			store: map[string]any{"id": "complaints", "path": "/srv/c", "retention_days": 730, "soft_delete_marker": ".deleted"},
			want:  result.Pass,
		},
		{
			name:  "kept past retention plus grace",
			nodes: []node{{path: "srv/c/a.pdf", daysAgo: 770}, {path: "srv/c/b.pdf", daysAgo: 10}},
			store: map[string]any{"id": "complaints", "path": "/srv/c", "retention_days": 730},
			want:  result.Fail,
		},
		{
			name:  "soft-deleted but not purged",
			nodes: []node{{path: "srv/c/b.pdf", daysAgo: 10}, {path: "srv/c/c.pdf.deleted", daysAgo: 60}},
			store: map[string]any{"id": "complaints", "path": "/srv/c", "retention_days": 730, "soft_delete_marker": ".deleted", "purge_days": 30},
			want:  result.Fail,
		},
		{
			name:  "store missing on the host",
			nodes: []node{{path: "srv/other", daysAgo: 1}},
			store: map[string]any{"id": "complaints", "path": "/srv/c", "retention_days": 730},
			want:  result.NotAssessed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := buildRoot(t, tt.nodes)
			opts, err := json.Marshal(map[string]any{"stores": []any{tt.store}})
			if err != nil {
				t.Fatal(err)
			}
			f, _ := mustFacts(t, testCollector(), root, string(opts))
			e := policytest.Engine(t, map[string]any{"data_stores": []any{tt.store}})
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)
			policytest.Check(t, results, map[string]result.Status{"ICO-RET-01": tt.want})
		})
	}
}
