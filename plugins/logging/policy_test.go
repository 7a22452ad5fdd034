package logging

import (
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicies runs the collector on the fixture roots and evaluates the
// real ICO-LOG-01 and ICO-LOG-02 policies on its output.
func TestPolicies(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	e := policytest.Engine(t, nil)
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
			f, _ := mustFacts(t, tt.root, tt.options)
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)
			policytest.Check(t, results, tt.want)
		})
	}
}
