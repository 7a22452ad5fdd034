package change

import (
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicyICOCHG01 runs the collector on fixture hosts and evaluates
// the real ICO-CHG-01 policy on its output.
func TestPolicyICOCHG01(t *testing.T) {
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
	e := policytest.Engine(t, org)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := mustFacts(t, New(), host(tt.host), tt.options)
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC))
			policytest.Check(t, results, map[string]result.Status{"ICO-CHG-01": tt.want})
		})
	}
}
