package opa

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// withoutShortcuts returns a copy of e that evaluates every control.
func withoutShortcuts(e *Engine) *Engine {
	c := &Engine{controls: slices.Clone(e.controls), revision: e.revision, query: e.query, compiler: e.compiler, store: e.store}
	for i := range c.controls {
		c.controls[i].shortcut, c.controls[i].absent = nil, nil
	}
	return c
}

// TestShortcutsFound pins which built-in controls have a shortcut, so that
// a policy edit that loses one (and with it the speed) is noticed.
func TestShortcutsFound(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range e.controls {
		if c.shortcut != nil {
			got[c.meta.ID] = ast.Ref(append([]*ast.Term{ast.InputRootDocument}, c.shortcut.path...)).String() + " " + string(c.shortcut.failed)
		}
	}
	want := map[string]string{
		"ICO-ACC-01": "input.facts.accounts.users accounts",
		"ICO-ACC-02": "input.facts.accounts.users accounts",
		"ICO-ACC-03": "input.facts.accounts.users accounts",
		"ICO-BKP-01": "input.facts.backups backups",
		"ICO-BKP-02": "input.facts.backups backups",
		"ICO-BKP-03": "input.facts.backups backups",
		"ICO-CHG-01": "input.facts.change change",
		"ICO-LOG-01": "input.facts.logging logging",
		"ICO-LOG-02": "input.facts.logging logging",
		"ICO-MON-02": "input.server.missed_cycles ",
		"ICO-RET-01": "input.facts.retention retention",
		"ICO-SEC-02": "input.facts.patching patching",
		"ICO-SEC-03": "input.facts.packages packages",
		"ICO-SEC-04": "input.facts.baseline baseline",
		"ICO-SEC-05": "input.facts.exposure exposure",
	}
	if !maps.Equal(got, want) {
		t.Errorf("controls with a shortcut = %v, want %v", got, want)
	}
}

// TestShortcutsGiveTheSameResults evaluates the engine cases, the
// benchmark hosts and variants of them (each namespace removed, collector
// errors of several shapes, odd input shapes) with and without the
// shortcuts: the results must be identical.
func TestShortcutsGiveTheSameResults(t *testing.T) {
	type host struct {
		name   string
		now    time.Time
		org    map[string]any
		config map[string]any
		input  []byte
	}
	var hosts []host
	for name, c := range loadCases(t) {
		hosts = append(hosts, host{name, c.Now, c.Org, c.Config, c.Input})
	}
	for _, h := range []struct {
		name string
		org  map[string]any
		raw  any
	}{{"realistic", nil, realisticHost(t)}, {"catalogue", catalogueOrg(), catalogueHost(t)}} {
		b, err := json.Marshal(h.raw)
		if err != nil {
			t.Fatal(err)
		}
		hosts = append(hosts, host{h.name, benchNow, h.org, nil, b})
	}
	es := &engines{t: t, cache: map[string]*Engine{}}
	ctx := context.Background()
	for _, h := range hosts {
		e := es.get(h.config, h.org)
		plain := withoutShortcuts(e)
		var doc map[string]any
		if err := json.Unmarshal(h.input, &doc); err != nil {
			t.Fatal(err)
		}
		for _, v := range variants(doc) {
			b, err := json.Marshal(v.doc)
			if err != nil {
				t.Fatal(err)
			}
			in, err := InputJSON(b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Evaluate(ctx, in, h.now)
			if err != nil {
				t.Fatalf("%s %s: Evaluate: %v", h.name, v.name, err)
			}
			want, err := plain.Evaluate(ctx, in, h.now)
			if err != nil {
				t.Fatalf("%s %s: Evaluate without shortcuts: %v", h.name, v.name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: results with shortcuts differ:\n got %+v\nwant %+v", h.name, v.name, diff(got, want), diff(want, got))
			}
		}
	}
}

type variant struct {
	name string
	doc  map[string]any
}

// variants are doc and copies of it with one facts namespace removed, or
// with input.server, input.collector_errors or input.facts altered.
func variants(doc map[string]any) []variant {
	out := []variant{{"as is", doc}}
	with := func(name string, f func(d map[string]any)) {
		var d map[string]any
		b, _ := json.Marshal(doc)
		_ = json.Unmarshal(b, &d)
		f(d)
		out = append(out, variant{name, d})
	}
	fs, _ := doc["facts"].(map[string]any)
	for _, ns := range slices.Sorted(maps.Keys(fs)) {
		with("without "+ns, func(d map[string]any) { delete(d["facts"].(map[string]any), ns) })
		with("without "+ns+", its collector failed", func(d map[string]any) {
			delete(d["facts"].(map[string]any), ns)
			d["collector_errors"] = []any{map[string]any{"collector": ns, "namespace": ns, "kind": "crashed", "message": "boom"}}
		})
		with("with "+ns+" null", func(d map[string]any) { d["facts"].(map[string]any)[ns] = nil })
		with("with "+ns+" a list", func(d map[string]any) { d["facts"].(map[string]any)[ns] = []any{} })
	}
	with("without facts", func(d map[string]any) { delete(d, "facts") })
	with("with facts a string", func(d map[string]any) { d["facts"] = "none" })
	with("without collector_errors", func(d map[string]any) { delete(d, "collector_errors") })
	with("with collector_errors an object", func(d map[string]any) {
		d["collector_errors"] = map[string]any{"x": map[string]any{"namespace": "backups"}}
	})
	with("with collector_errors a string", func(d map[string]any) { d["collector_errors"] = "backups" })
	with("with other collector_errors", func(d map[string]any) {
		d["collector_errors"] = []any{"backups", 7, map[string]any{"namespace": 7}, map[string]any{"collector": "x", "namespace": "nothing"}}
	})
	with("with all facts but accounts gone and errors", func(d map[string]any) {
		d["facts"] = map[string]any{"accounts": map[string]any{"users": "none"}}
		d["collector_errors"] = []any{map[string]any{"namespace": "change"}, map[string]any{"namespace": "logging"}}
	})
	with("with server missed_cycles", func(d map[string]any) { d["server"] = map[string]any{"missed_cycles": 3} })
	with("with server missed_cycles a string", func(d map[string]any) { d["server"] = map[string]any{"missed_cycles": "3"} })
	with("with server a list", func(d map[string]any) { d["server"] = []any{} })
	return out
}

// diff returns the results of a that b does not have.
func diff(a, b []result.Result) []result.Result {
	var out []result.Result
	for i := range a {
		if i >= len(b) || !reflect.DeepEqual(a[i], b[i]) {
			out = append(out, a[i])
		}
	}
	return out
}

// TestShortcutShapes checks that only result rules of the exact shape get
// a shortcut, and that each gives the rule's value.
func TestShortcutShapes(t *testing.T) {
	const absent = `absent := {"status": "not_assessed", "evidence": [{"subject": "x", "detail": "no x", "fact": "x"}]}`
	const rest = `else := {"status": "pass", "evidence": []}`
	lib := `package auditfleet.lib

failed contains e.namespace if some e in input.collector_errors
`
	tests := []struct {
		name string
		body string
		lib  string // replaces lib when set
		want string // input path and namespace, "" for no shortcut
	}{
		{"canonical", "result := absent if {\n\tnot has_facts\n\tnot \"x\" in data.auditfleet.lib.failed\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\n" + absent, "", "input.facts.x x"},
		{"conditions swapped", "result := absent if {\n\tnot \"x\" in data.auditfleet.lib.failed\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\n" + absent, "", "input.facts.x x"},
		{"no failed test", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_array(input.facts.x.list)\n\n" + absent, "", "input.facts.x.list "},
		{"literal value", "result := {\"status\": \"not_assessed\", \"evidence\": [note]} if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_number(input.server.n)\n\nnote := {\"subject\": \"s\", \"detail\": \"d\", \"fact\": \"f\"}", "", "input.server.n "},
		{"no else", "result := absent if {\n\tnot has_facts\n}\n\nhas_facts if is_object(input.facts.x)\n\n" + absent, "", ""},
		{"extra condition", "result := absent if {\n\tnot has_facts\n\tinput.y\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\n" + absent, "", ""},
		{"guard with two rules", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\nhas_facts if input.y\n\n" + absent, "", ""},
		{"guard with default", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\ndefault has_facts := false\n\nhas_facts if is_object(input.facts.x)\n\n" + absent, "", ""},
		{"guard not a type test", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if count(input.facts.x) > 0\n\n" + absent, "", ""},
		{"guard on data", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_object(data.y)\n\n" + absent, "", ""},
		{"value not constant", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\nabsent := {\"status\": \"not_assessed\", \"evidence\": [], \"n\": input.n}", "", ""},
		{"value from a function", "result := data.auditfleet.lib.absent if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)", "", ""},
		{"value with a condition", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\nabsent := {\"status\": \"not_assessed\", \"evidence\": []} if input.y", "", ""},
		{"other result rules", "result := absent if {\n\tnot has_facts\n} " + rest + "\n\nresult := {\"status\": \"fail\", \"evidence\": []} if input.z\n\nhas_facts if is_object(input.facts.x)\n\n" + absent, "", ""},
		{"failed defined otherwise", "result := absent if {\n\tnot has_facts\n\tnot \"x\" in data.auditfleet.lib.failed\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\n" + absent,
			"package auditfleet.lib\n\nfailed contains e.ns if some e in input.collector_errors\n", ""},
		{"failed of another rule", "result := absent if {\n\tnot has_facts\n\tnot \"x\" in data.auditfleet.lib.other\n} " + rest + "\n\nhas_facts if is_object(input.facts.x)\n\n" + absent, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lib
			if tt.lib != "" {
				l = tt.lib
			}
			fsys := fstest.MapFS{
				"lib/lib.rego":           {Data: []byte(l + "\nabsent := {}\n\nother := set()\n")},
				"controls/c/policy.rego": {Data: []byte(controlModule("c", "T-C-01", tt.body))},
			}
			e, err := New(context.Background(), fsys, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := e.controls[0].shortcut
			got := ""
			if s != nil {
				got = ast.Ref(append([]*ast.Term{ast.InputRootDocument}, s.path...)).String() + " " + string(s.failed)
			}
			if got != tt.want {
				t.Fatalf("shortcut = %q, want %q", got, tt.want)
			}
			if s == nil {
				return
			}
			// The shortcut's value is what the policy gives a host without
			// the facts.
			in, err := InputJSON([]byte(`{"facts": {}}`))
			if err != nil {
				t.Fatal(err)
			}
			got2, err := e.Evaluate(context.Background(), in, benchNow)
			if err != nil {
				t.Fatal(err)
			}
			want, err := withoutShortcuts(e).Evaluate(context.Background(), in, benchNow)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got2, want) || got2[0].Status != result.NotAssessed {
				t.Errorf("Evaluate = %+v, want %+v (not_assessed)", got2, want)
			}
		})
	}
}

// TestSubsetQueriesBounded checks that past maxSubsets distinct skip sets
// the engine evaluates with the full query, with the same results.
func TestSubsetQueriesBounded(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.nsubsets.Store(maxSubsets)
	in, err := Input(realisticHost(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), in, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	want, err := withoutShortcuts(e).Evaluate(context.Background(), in, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Evaluate past maxSubsets = %+v, want %+v", got, want)
	}
}
