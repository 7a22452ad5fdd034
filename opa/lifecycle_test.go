package opa

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/auditfleet/auditfleet/internal/lifecycle"
)

// TestOSReleaseMatchesGo checks that the Rego lookup (lib.os_release) and
// the Go one (lifecycle.Document.Lookup) agree on the shipped data, for
// every release of every matchable product and for near misses.
func TestOSReleaseMatchesGo(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "policies", "lifecycle", "data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc lifecycle.Document
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pq, err := rego.New(
		rego.Query("x := [data.auditfleet.lib.os_release.key, data.auditfleet.lib.os_release.cycle]"),
		rego.Load([]string{filepath.Join("..", "policies", "lib", "lib.rego"), "lifecycle:" + filepath.Join("..", "policies", "lifecycle", "data.json")}, nil),
	).PrepareForEval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type probe struct{ id, name, version string }
	var probes []probe
	for key, p := range doc.Products {
		if p.Match == nil {
			continue
		}
		name := p.Title
		if p.Match.NameContains != "" {
			name = p.Match.NameContains
		}
		for cycle := range p.Releases {
			for _, id := range p.Match.IDs {
				probes = append(probes,
					probe{id, name, cycle},
					probe{id, name, cycle + ".3"},
					probe{id, name, cycle + ".3.1"},
					probe{id, "Other " + key, cycle},
				)
			}
		}
	}
	probes = append(probes, probe{"debian", "Debian GNU/Linux", ""}, probe{"sles", "SLES", "15"}, probe{"none", "None", "1"})
	for _, p := range probes {
		wantKey, wantCycle, wantOK := doc.Lookup(p.id, p.name, p.version)
		in, err := ast.InterfaceToValue(map[string]any{"facts": map[string]any{"os": map[string]any{"id": p.id, "name": p.name, "version_id": p.version}}})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := pq.Eval(ctx, rego.EvalParsedInput(in))
		if err != nil {
			t.Fatal(err)
		}
		gotOK := len(rs) == 1
		var gotKey, gotCycle string
		if gotOK {
			pair := rs[0].Bindings["x"].([]any)
			gotKey, gotCycle = pair[0].(string), pair[1].(string)
		}
		if gotOK != wantOK || gotKey != wantKey || gotCycle != wantCycle {
			t.Errorf("os_release(%q, %q, %q) = %q, %q, %v in Rego; Go Lookup = %q, %q, %v", p.id, p.name, p.version, gotKey, gotCycle, gotOK, wantKey, wantCycle, wantOK)
		}
	}
	if len(probes) < 100 {
		t.Errorf("only %d probes; the data looks too small", len(probes))
	}
}
