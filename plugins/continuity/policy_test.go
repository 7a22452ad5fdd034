package continuity

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// policyNow is the evaluation time of the policy tests.
var policyNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// plan is an entry of the organisation's plan register (data.org.plans).
func plan(id, lastReview, lastTest string) map[string]any {
	return map[string]any{
		"id": id, "name": "Plan " + id, "owner": "Head of IT", "covers": map[string]any{"hosts": []any{"db-*"}},
		"last_review": lastReview, "last_test": lastTest, "record_recovery": true,
	}
}

// debian is "os" facts for Debian version v.
func debian(v string) map[string]any {
	return map[string]any{
		"family": "linux", "id": "debian", "name": "Debian GNU/Linux", "pretty_name": "Debian GNU/Linux " + v,
		"version_id": v, "version_codename": "", "hostname": "app-07", "entitlements": []any{},
	}
}

// backedUp is "backups" facts with a current backup and a recent passing
// restore test.
var backedUp = map[string]any{
	"jobs": []any{map[string]any{
		"id": "restic:vault", "tool": "restic", "source": "config", "repository": "sftp:vault:/srv/restic",
		"last_success": "2026-08-31T01:00:00Z", "last_run": "2026-08-31T01:00:00Z", "last_result": "success",
		"encrypted": true, "off_host": true, "immutable": true,
	}},
	"restore_tests": []any{map[string]any{
		"id": "r.json", "job": "restic:vault", "performed_at": "2026-07-15T10:00:00Z", "result": "pass",
		"restored": "casework", "checksum_match": true, "source": "/var/lib/r.json",
	}},
}

// TestPolicies runs the collector on fixture hosts and evaluates the real
// ICO-BCP-01 and ICO-BCP-02 policies on its output, joined with the
// organisation's plan register.
func TestPolicies(t *testing.T) {
	current := plan("BCP-IT-01", "2026-03-01", "2025-11-02")
	tests := []struct {
		name    string
		host    string
		options string
		plans   []any
		other   map[string]any // facts of other namespaces
		control string
		want    result.Status
	}{
		{"declared plan current", "full", `{}`, []any{current}, nil, "ICO-BCP-01", result.Pass},
		{"declared plan never tested", "full", `{}`, []any{plan("BCP-IT-01", "2026-03-01", "")}, nil, "ICO-BCP-01", result.Fail},
		{"no plan covers the host", "empty", `{"tags":{"role":"web"}}`, []any{current}, nil, "ICO-BCP-01", result.Fail},
		{"plan reference from options", "empty", `{"plan_refs":["BCP-IT-01"]}`, []any{current}, nil, "ICO-BCP-01", result.Pass},
		{"continuity system supported and backed up", "full", `{}`, []any{current}, map[string]any{"os": debian("13"), "backups": backedUp}, "ICO-BCP-02", result.Pass},
		{"continuity system unsupported", "full", `{}`, []any{current}, map[string]any{"os": debian("10"), "backups": backedUp}, "ICO-BCP-02", result.Fail},
		{"declared by option, not backed up", "empty", `{"continuity_system":true}`, []any{current}, map[string]any{"os": debian("13"), "backups": map[string]any{"jobs": []any{}, "restore_tests": []any{}}}, "ICO-BCP-02", result.Fail},
		{"not a continuity system", "messy", `{}`, []any{current}, map[string]any{"os": debian("10")}, "ICO-BCP-02", result.NotAssessed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := mustFacts(t, filepath.Join("testdata", "hosts", tt.host), tt.options)
			facts := map[string]any{Namespace: f}
			for k, v := range tt.other {
				facts[k] = v
			}
			e := policytest.Engine(t, map[string]any{"plans": tt.plans})
			results := policytest.Evaluate(t, e, policytest.Doc{Host: map[string]any{"id": "h", "name": "app-07"}, Facts: facts}, policyNow)
			policytest.Check(t, results, map[string]result.Status{tt.control: tt.want})
		})
	}
}
