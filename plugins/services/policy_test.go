package services

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicies runs the collector on fixture hosts and evaluates the real
// ICO-MON-01 policy on its output, at the collection time.
func TestPolicies(t *testing.T) {
	ctx := context.Background()
	e, err := opa.New(ctx, policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
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
			doc, err := json.Marshal(map[string]any{
				"schema_version":   1,
				"host":             map[string]any{"id": "h", "name": "app-07"},
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
			results, err := e.Evaluate(ctx, in, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.ControlID == "ICO-MON-01" {
					if r.Status != tt.want {
						t.Errorf("ICO-MON-01 on %s = %s (%+v), want %s", doc, r.Status, r.Evidence, tt.want)
					}
					return
				}
			}
			t.Fatal("no ICO-MON-01 result")
		})
	}
}
