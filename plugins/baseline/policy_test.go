package baseline

import (
	"slices"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/result"
)

// TestPolicies runs the collector on the fixture roots and evaluates the
// real ICO-SEC-04 policy on its output.
func TestPolicies(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	withList := policytest.Engine(t, map[string]any{"baseline": map[string]any{"allowed_ports": []any{22}}})
	noList := policytest.Engine(t, nil)
	tests := []struct {
		name, root string
		engine     *opa.Engine
		want       result.Status
		subject    string // a subject the evidence must name, if set
	}{
		{name: "hardened host", root: "hardened", engine: withList, want: result.Pass},
		{name: "weak host", root: "weak", engine: withList, want: result.Fail, subject: "tcp/8080"},
		{name: "weak host, root login", root: "weak", engine: withList, want: result.Fail, subject: "sshd:PermitRootLogin"},
		{name: "OpenSSH defaults", root: "defaults", engine: withList, want: result.Fail, subject: "sshd:PasswordAuthentication"},
		{name: "hardened host without an allow-list", root: "hardened", engine: noList, want: result.NotAssessed, subject: "tcp/22"},
		{name: "sockets unknown (no /proc/net)", root: "offline", engine: withList, want: result.NotAssessed, subject: "ports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := mustFacts(t, tt.root, "")
			results := policytest.Evaluate(t, tt.engine, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)
			policytest.Check(t, results, map[string]result.Status{"ICO-SEC-04": tt.want})
			ev := results["ICO-SEC-04"].Evidence
			if tt.subject != "" && !slices.ContainsFunc(ev, func(e result.Evidence) bool { return e.Subject == tt.subject }) {
				t.Errorf("ICO-SEC-04 on %s evidence %+v names no %q", tt.root, ev, tt.subject)
			}
		})
	}
}
