package services

import (
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicies runs the collector on fixture hosts and evaluates the real
// ICO-MON-01 policy on its output, at the collection time.
func TestPolicies(t *testing.T) {
	e := policytest.Engine(t, nil)
	tests := []struct {
		name    string
		host    string
		options string
		at      time.Time
		want    result.Status
	}{
		{"backup failing for days", "failing", `{}`, testNow, result.Fail},
		{"unit failed two hours ago", "recent", `{}`, testNow, result.Warn},
		{"same failure a day later", "recent", `{}`, testNow.Add(24 * time.Hour), result.Fail},
		{"unit failed then succeeded", "recovered", `{}`, testNow, result.Pass},
		{"cron job failing in the text logs", "cron-text", `{}`, testNow, result.Fail},
		{"journal cut short", "corrupt", `{}`, testNow, result.Fail},
		{"journal unreadable", "garbage", `{}`, testNow, result.NotAssessed},
		{"cron failures not logged", "syslog-systemd", `{}`, testNow, result.NotAssessed},
		{"failure in an extra log", "recovered", `{"extra_logs":["/var/log/app-cron.log"]}`, testNow, result.Warn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := mustFacts(t, tt.host, tt.options)
			results := policytest.Evaluate(t, e, policytest.Doc{
				Host:  map[string]any{"id": "h", "name": "app-07"},
				Facts: map[string]any{Namespace: f},
			}, tt.at)
			policytest.Check(t, results, map[string]result.Status{"ICO-MON-01": tt.want})
		})
	}
}
