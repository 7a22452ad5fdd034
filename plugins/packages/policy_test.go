package packages

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// testNow is the evaluation time of the policy tests.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// TestPolicyICOSEC03 runs the collector on fixture roots and evaluates
// the real ICO-SEC-03 policy on its output.
func TestPolicyICOSEC03(t *testing.T) {
	dropNode := func(t *testing.T, dir string) { uninstall(t, dir, "nodejs") }
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
			uninstall(t, dir, "python3.11-minimal")
		}, result.Pass},
		{"local build of sudo", "bookworm", eolOptions, func(t *testing.T, dir string) {
			dropNode(t, dir)
			fixture.Replace(t, dir, status, "Version: 1.9.13p3-1+deb12u4", "Version: 1.9.13p3-1+deb12u4local1")
		}, result.Fail},
		{"python past end of life", "bookworm", `{"runtime_eol":{"python":{"3.11":"2026-08-31"}}}`, dropNode, result.Fail},
	}
	e := policytest.Engine(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyRoot(t, tt.root, func(dir string) {
				if tt.edit != nil {
					tt.edit(t, dir)
				}
			})
			f, _ := mustFacts(t, root, tt.options)
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)
			policytest.Check(t, results, map[string]result.Status{"ICO-SEC-03": tt.want})
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
