package baseline

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
// real ICO-SEC-04 policy on its output.
func TestPolicies(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	withList, err := opa.New(ctx, policies.FS, opa.Options{Org: map[string]any{"baseline": map[string]any{"allowed_ports": []any{22}}}})
	if err != nil {
		t.Fatal(err)
	}
	noList, err := opa.New(ctx, policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
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
			f, _, _ := mustFacts(t, tt.root, "")
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
			results, err := tt.engine.Evaluate(ctx, in, now)
			if err != nil {
				t.Fatal(err)
			}
			seen := false
			for _, r := range results {
				if r.ControlID != "ICO-SEC-04" {
					continue
				}
				seen = true
				if r.Status != tt.want {
					t.Errorf("ICO-SEC-04 on %s = %s (%+v), want %s", tt.root, r.Status, r.Evidence, tt.want)
				}
				if tt.subject == "" {
					continue
				}
				found := false
				for _, e := range r.Evidence {
					found = found || e.Subject == tt.subject
				}
				if !found {
					t.Errorf("ICO-SEC-04 on %s evidence %+v names no %q", tt.root, r.Evidence, tt.subject)
				}
			}
			if !seen {
				t.Error("ICO-SEC-04: no result")
			}
		})
	}
}
