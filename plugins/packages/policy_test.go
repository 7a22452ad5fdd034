package packages

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// testNow is the evaluation time of the policy tests.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// TestPolicyICOSEC03 runs the collector on fixture roots and evaluates
// the real ICO-SEC-03 policy on its output.
func TestPolicyICOSEC03(t *testing.T) {
	ctx := context.Background()
	dropNode := func(t *testing.T, dir string) { removeStanza(t, dir, status, "nodejs") }
	tests := []struct {
		name    string
		root    string
		options string
		edit    func(t *testing.T, dir string)
		want    result.Status
	}{
		{"everything from the lists, python supported", "bookworm", eolOptions, dropNode, result.Pass},
		{"node 18 past end of life", "bookworm", eolOptions, nil, result.Fail},
		{"bullseye library left behind", "bullseye-leftovers", eolOptions, dropNode, result.Fail},
		{"no lifecycle data: runtimes not assessed", "bookworm", `{}`, nil, result.NotAssessed},
		{"no runtimes, nothing foreign", "bookworm", `{}`, func(t *testing.T, dir string) {
			dropNode(t, dir)
			removeStanza(t, dir, status, "python3.11-minimal")
		}, result.Pass},
		{"local build of sudo", "bookworm", eolOptions, func(t *testing.T, dir string) {
			dropNode(t, dir)
			replaceIn(t, dir, status, "Version: 1.9.13p3-1+deb12u4", "Version: 1.9.13p3-1+deb12u4local1")
		}, result.Fail},
		{"python past end of life", "bookworm", `{"runtime_eol":{"python":{"3.11":"2026-08-31"}}}`, dropNode, result.Fail},
	}
	e, err := opa.New(ctx, policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyRoot(t, tt.root, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			f, _ := mustFacts(t, root, tt.options)
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
			results, err := e.Evaluate(ctx, in, testNow)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.ControlID == "ICO-SEC-03" {
					if r.Status != tt.want {
						t.Errorf("ICO-SEC-03 on %s = %s (%+v), want %s", doc, r.Status, r.Evidence, tt.want)
					}
					return
				}
			}
			t.Fatal("no ICO-SEC-03 result")
		})
	}
}

// TestFixturesPresent guards the fixture files the policy test edits.
func TestFixturesPresent(t *testing.T) {
	for _, p := range []string{mainList, secList, status} {
		if _, err := os.Stat(filepath.Join("testdata", "roots", "bookworm", filepath.FromSlash(p))); err != nil {
			t.Error(err)
		}
	}
}
