package logging

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicies runs the collector on the fixture roots and evaluates the
// real ICO-LOG-01 and ICO-LOG-02 policies on its output.
func TestPolicies(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	e, err := opa.New(ctx, policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, root, options string
		want                map[string]result.Status
	}{
		{name: "good host", root: "good", options: goodOptions, want: map[string]result.Status{"ICO-LOG-01": result.Pass, "ICO-LOG-02": result.Pass}},
		{name: "poor host", root: "poor", options: `{"app_logs":[{"id":"app","path":"/var/log/app/audit.jsonl"}]}`, want: map[string]result.Status{"ICO-LOG-01": result.Fail, "ICO-LOG-02": result.Fail}},
		{name: "no declared log", root: "good", options: "{}", want: map[string]result.Status{"ICO-LOG-01": result.Pass, "ICO-LOG-02": result.NotAssessed}},
		{name: "unreadable log", root: "good", options: `{"app_logs":[{"id":"gone","path":"/var/log/gone.jsonl"}]}`, want: map[string]result.Status{"ICO-LOG-02": result.NotAssessed}},
		{name: "no process table under the host root", root: "offline", options: "{}", want: map[string]result.Status{"ICO-LOG-01": result.NotAssessed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := mustFacts(t, tt.root, tt.options)
			doc, err := json.Marshal(map[string]any{
				"schema_version":   1,
				"facts":            map[string]any{Namespace: f},
				"collectors":       map[string]any{},
				"collector_errors": []any{},
			})
			if err != nil {
				t.Fatal(err)
			}
			in, err := opa.InputJSON(doc)
			if err != nil {
				t.Fatal(err)
			}
			results, err := e.Evaluate(ctx, in, now)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, r := range results {
				want, ok := tt.want[r.ControlID]
				if !ok {
					continue
				}
				seen[r.ControlID] = true
				if r.Status != want {
					t.Errorf("%s on %s = %s (%+v), want %s", r.ControlID, tt.root, r.Status, r.Evidence, want)
				}
			}
			for id := range tt.want {
				if !seen[id] {
					t.Errorf("%s: no result", id)
				}
			}
		})
	}
}
