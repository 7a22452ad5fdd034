package waiver_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/waiver"
)

// TestEveryControlCanBeWaived evaluates the real catalogue on a host that
// fails every control (the engine's all-namespaces-fail case, plus a host
// that missed five cycles for ICO-MON-02), then checks, control by
// control, that a current waiver for it turns its failure into waived with
// the waiver's reference, touching no other control, and that an expired
// one does not.
func TestEveryControlCanBeWaived(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile("../opa/testdata/cases/debian-11-db-all-namespaces-fail.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Now   time.Time       `json:"now"`
		Org   map[string]any  `json:"org"`
		Input json.RawMessage `json:"input"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	e, err := opa.New(ctx, policies.FS, opa.Options{Org: c.Org})
	if err != nil {
		t.Fatal(err)
	}
	in, err := opa.InputJSON(c.Input)
	if err != nil {
		t.Fatal(err)
	}
	in.(ast.Object).Insert(ast.StringTerm("server"), ast.MustParseTerm(`{"missed_cycles": 5}`))
	results, err := e.Evaluate(ctx, in, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	host := waiver.Host{Name: "any-host"}
	for _, ctl := range e.Controls() {
		t.Run(ctl.ID, func(t *testing.T) {
			var before result.Result
			for _, r := range results {
				if r.ControlID == ctl.ID {
					before = r
				}
			}
			if before.Status != result.Fail {
				t.Fatalf("%s = %s on the all-failing host, want fail", ctl.ID, before.Status)
			}
			w := waiver.Waiver{ID: "W-" + ctl.ID, Control: ctl.ID, Hosts: []string{"*"}, Reason: "test", Approver: "SIRO",
				Created: c.Now.AddDate(0, 0, -1), Expires: c.Now.AddDate(0, 1, 0)}
			got, _ := waiver.Apply(results, host, []waiver.Waiver{w}, c.Now)
			for i, r := range got {
				switch {
				case r.ControlID == ctl.ID && (r.Status != result.Waived || r.Waiver == nil || r.Waiver.ID != w.ID):
					t.Errorf("%s with a current waiver = %s (waiver %+v), want waived by %s", ctl.ID, r.Status, r.Waiver, w.ID)
				case r.ControlID != ctl.ID && r.Status != results[i].Status:
					t.Errorf("a waiver for %s changed %s from %s to %s", ctl.ID, r.ControlID, results[i].Status, r.Status)
				}
			}
			expired := w
			expired.Created, expired.Expires = c.Now.AddDate(0, -2, 0), c.Now.AddDate(0, 0, -1)
			got, _ = waiver.Apply(results, host, []waiver.Waiver{expired}, c.Now)
			for _, r := range got {
				if r.ControlID == ctl.ID && r.Status != result.Fail {
					t.Errorf("%s with an expired waiver = %s, want fail", ctl.ID, r.Status)
				}
			}
		})
	}
}
