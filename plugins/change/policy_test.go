package change

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicyICOCHG01 runs the collector on fixture hosts and evaluates
// the real ICO-CHG-01 policy on its output.
func TestPolicyICOCHG01(t *testing.T) {
	ctx := context.Background()
	org := map[string]any{"baseline": map[string]any{"protected_branches": []any{"main", "release"}}}
	tests := []struct {
		name, host, options string
		want                result.Status
	}{
		{"reviewed deploy, no canary", "clean", `{"canary_paths":["/srv/casework"],"canaries":["TESTDATA-CANARY-0042"]}`, result.Pass},
		{"canary and unreviewed deploy", "prod", prodOptions, result.Fail},
		{"unreviewed deploy from a feature branch", "prod", `{}`, result.Fail},
		{"canary only", "clean", `{"deployments_file":"","canary_paths":["/srv/casework"],"canaries":["A Citizen"]}`, result.Fail},
		{"partial search does not pass", "clean", `{"deployments_file":"","canary_paths":["/srv/missing"],"canaries":["TESTDATA-CANARY-0042"]}`, result.NotAssessed},
		{"not production", "prod", `{"environment":"staging"}`, result.NotAssessed},
		{"environment unknown", "bare", `{}`, result.NotAssessed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := mustFacts(t, New(), host(tt.host), tt.options)
			doc, err := json.Marshal(map[string]any{
				"schema_version":   1,
				"facts":            map[string]any{Namespace: f},
				"collectors":       map[string]any{},
				"collector_errors": []any{},
			})
			if err != nil {
				t.Fatal(err)
			}
			e, err := opa.New(ctx, policies.FS, opa.Options{Org: org})
			if err != nil {
				t.Fatal(err)
			}
			in, err := opa.InputJSON(doc)
			if err != nil {
				t.Fatal(err)
			}
			results, err := e.Evaluate(ctx, in, time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.ControlID == "ICO-CHG-01" {
					if r.Status != tt.want {
						t.Errorf("ICO-CHG-01 on %s = %s (%+v), want %s", doc, r.Status, r.Evidence, tt.want)
					}
					return
				}
			}
			t.Fatal("no ICO-CHG-01 result")
		})
	}
}
