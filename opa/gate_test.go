package opa

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// gatedControl is a control module declaring requires, reads and depends
// (YAML flow lists) and a result rule.
func gatedControl(pkg, id, requires, depends, body string) string {
	return "# METADATA\n# title: " + id + "\n# custom:\n#   id: " + id + "\n#   area: RMS\n#   severity: high\n" +
		"#   requires: " + requires + "\n#   depends: " + depends + "\n" +
		"package auditfleet.controls." + pkg + "\n\n" + body + "\n"
}

// gateTree has a control requiring the x facts, one requiring the leavers
// organisation data, one requiring nothing, and one combining the first
// two's results.
var gateTree = fstest.MapFS{
	"controls/needs_x/policy.rego": {Data: []byte(gatedControl("needs_x", "T-X-01", "{facts: [x]}", "[]",
		`result := {"status": "pass", "evidence": [{"subject": "x", "detail": "x is fine", "fact": "x"}]}`))},
	"controls/needs_org/policy.rego": {Data: []byte(gatedControl("needs_org", "T-ORG-01", "{org: [leavers]}", "[]",
		`result := {"status": "fail", "evidence": [{"subject": "l", "detail": "a leaver", "fact": "l"}]}`))},
	"controls/plain/policy.rego": {Data: []byte(gatedControl("plain", "T-PLAIN-01", "{}", "[]",
		`result := {"status": "warn", "evidence": []}`))},
	"controls/combined/policy.rego": {Data: []byte(gatedControl("combined", "T-COMB-01", "{}", "[T-X-01, T-ORG-01]",
		`result := {"status": "pass", "evidence": [{"subject": id, "detail": r.status, "fact": id} | some id, r in input.results]}`))},
}

// TestGate checks the results the engine decides from METADATA without
// evaluating the controls, and that a dependent control gets its
// dependencies' final results.
func TestGate(t *testing.T) {
	withOrg, err := New(context.Background(), gateTree, Options{Org: map[string]any{"leavers": []any{}}})
	if err != nil {
		t.Fatal(err)
	}
	withoutOrg, err := New(context.Background(), gateTree, Options{Org: map[string]any{"leavers": nil}})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		status   result.Status
		evidence []string // each evidence item's detail
	}
	tests := []struct {
		name   string
		engine *Engine
		input  string
		want   map[string]want
	}{
		{"facts and org present", withOrg, `{"facts": {"x": {}}}`, map[string]want{
			"T-X-01":     {result.Pass, []string{"x is fine"}},
			"T-ORG-01":   {result.Fail, []string{"a leaver"}},
			"T-PLAIN-01": {result.Warn, nil},
			"T-COMB-01":  {result.Pass, []string{"fail", "pass"}},
		}},
		{"facts absent", withOrg, `{"facts": {}}`, map[string]want{
			"T-X-01":    {result.NotAssessed, []string{"no x facts in this report, so the control could not be assessed"}},
			"T-COMB-01": {result.Pass, []string{"fail", "not_assessed"}},
		}},
		{"facts null", withOrg, `{"facts": {"x": null}}`, map[string]want{
			"T-X-01": {result.NotAssessed, []string{"no x facts in this report, so the control could not be assessed"}},
		}},
		{"no facts at all", withOrg, `{}`, map[string]want{
			"T-X-01":     {result.NotAssessed, []string{"no x facts in this report, so the control could not be assessed"}},
			"T-PLAIN-01": {result.Warn, nil},
		}},
		{"collector not applicable", withOrg,
			`{"facts": {}, "collectors": {"x": {"collector": "xcol", "namespace": "x", "not_applicable": "no dpkg database"}}}`,
			map[string]want{"T-X-01": {result.NotAssessed, []string{
				"no x facts in this report (xcol collector: not applicable: no dpkg database), so the control could not be assessed",
			}}}},
		{"collector failed twice", withOrg, `{"facts": {}, "collector_errors": [
			{"collector": "xcol", "namespace": "x", "kind": "timeout", "message": "killed"},
			{"collector": "other", "namespace": "y", "kind": "crash", "message": "boom"},
			{"namespace": "x", "kind": "crash"}]}`, map[string]want{
			"T-X-01": {result.Error, []string{
				"collector xcol failed (timeout): killed; the x facts are missing",
				"collector x failed (crash): no message; the x facts are missing",
			}},
			"T-PLAIN-01": {result.Warn, nil},
			"T-COMB-01":  {result.Pass, []string{"fail", "error"}},
		}},
		{"organisation data missing", withoutOrg, `{"facts": {"x": {}}}`, map[string]want{
			"T-ORG-01": {result.NotAssessed, []string{
				"no leavers list in the organisation data (data.org.leavers), so the control could not be assessed",
			}},
			"T-COMB-01": {result.Pass, []string{"not_assessed", "pass"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.engine.Evaluate(context.Background(), mustInput(t, tt.input), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 4 {
				t.Fatalf("Evaluate(%s) gave %d results, want 4", tt.input, len(got))
			}
			for _, r := range got {
				w, ok := tt.want[r.ControlID]
				if !ok {
					continue
				}
				var details []string
				for _, e := range r.Evidence {
					details = append(details, e.Detail)
				}
				if r.Status != w.status || !slices.Equal(details, w.evidence) {
					t.Errorf("Evaluate(%s)[%s] = %v %q, want %v %q", tt.input, r.ControlID, r.Status, details, w.status, w.evidence)
				}
			}
		})
	}
}

// TestGateWordingMatchesLib checks that the engine words a failed or
// absent namespace as lib.error_result and lib.absent_result do, for the
// controls that handle a namespace they only read.
func TestGateWordingMatchesLib(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	input := mustInput(t, `{"collector_errors": [{"collector": "svc", "namespace": "services", "kind": "crash", "message": "boom"},
		{"namespace": "services"}]}`)
	q, err := prepare(context.Background(), e.compiler, e.store,
		`x := [data.auditfleet.lib.error_result("services"), data.auditfleet.lib.absent_result("services")]`)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := q.Eval(context.Background(), rego.EvalParsedInput(input))
	if err != nil || len(rs) != 1 {
		t.Fatalf("eval: %v %v", rs, err)
	}
	var lib [2]struct {
		Status   result.Status     `json:"status"`
		Evidence []result.Evidence `json:"evidence"`
	}
	x, err := ast.JSON(rs[0].Bindings["x"].(*ast.Term).Value)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lib); err != nil {
		t.Fatal(err)
	}
	h := readHostInputs(input)
	var failed []result.Evidence
	for _, f := range h.failures["services"] {
		failed = append(failed, failureEvidence("services", f))
	}
	if !reflect.DeepEqual(failed, lib[0].Evidence) {
		t.Errorf("gate error evidence = %+v, lib.error_result = %+v", failed, lib[0].Evidence)
	}
	if absent := absentEvidence("services", nil); !reflect.DeepEqual([]result.Evidence{absent}, lib[1].Evidence) {
		t.Errorf("gate absent evidence = %+v, lib.absent_result = %+v", absent, lib[1].Evidence)
	}
}

// TestNewRefusesBadDepends checks that a dependency on an unknown control,
// or a cycle, is refused.
func TestNewRefusesBadDepends(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"unknown", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(gatedControl("a", "T-A-01", "{}", "[T-NONE-01]", `result := {"status": "pass", "evidence": []}`))},
		}, "control T-A-01 depends on T-NONE-01, which is not a control"},
		{"cycle", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(gatedControl("a", "T-A-01", "{}", "[T-B-01]", `result := {"status": "pass", "evidence": []}`))},
			"controls/b/policy.rego": {Data: []byte(gatedControl("b", "T-B-01", "{}", "[T-C-01]", `result := {"status": "pass", "evidence": []}`))},
			"controls/c/policy.rego": {Data: []byte(gatedControl("c", "T-C-01", "{}", "[T-A-01]", `result := {"status": "pass", "evidence": []}`))},
		}, "cycle: T-A-01 -> T-B-01 -> T-C-01 -> T-A-01"},
		{"not an ID", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(gatedControl("a", "T-A-01", "{}", "[x]", `result := {"status": "pass", "evidence": []}`))},
		}, "custom.depends: x is not a control ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), tt.fsys, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestEveryControlReported evaluates the engine cases, the benchmark hosts
// and variants of them (each namespace removed, failed, null or of
// another type, collector errors of several shapes, odd input shapes):
// every control must be reported once with a known status, and the
// controls combining others (custom.depends) never pass unless all their
// dependencies do.
func TestEveryControlReported(t *testing.T) {
	es := &engines{t: t, cache: map[string]*Engine{}}
	for _, h := range testHosts(t) {
		e := es.get(h.org)
		for _, v := range variants(h.doc) {
			got := evaluateDoc(t, e, v.doc, h.now)
			byID := map[string]result.Result{}
			for _, r := range got {
				byID[r.ControlID] = r
				if !r.Status.Valid() {
					t.Errorf("%s %s: %s has status %q", h.name, v.name, r.ControlID, r.Status)
				}
			}
			if len(got) != len(e.controls) || len(byID) != len(e.controls) {
				t.Errorf("%s %s: %d results for %d distinct controls, want %d", h.name, v.name, len(got), len(byID), len(e.controls))
			}
			for _, c := range e.controls {
				for _, d := range c.meta.Depends {
					if byID[c.meta.ID].Status == result.Pass && byID[d].Status != result.Pass {
						t.Errorf("%s %s: %s passes though %s is %s", h.name, v.name, c.meta.ID, d, byID[d].Status)
					}
				}
			}
		}
	}
}

// TestSubsetQueriesBounded checks that past maxSubsets distinct sets of
// controls to evaluate the engine evaluates with each level's query, with
// the same results.
func TestSubsetQueriesBounded(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	full.nsubsets.Store(maxSubsets)
	for _, h := range testHosts(t) {
		if h.org != nil {
			continue
		}
		for _, v := range variants(h.doc) {
			got, want := evaluateDoc(t, full, v.doc, h.now), evaluateDoc(t, e, v.doc, h.now)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: Evaluate past maxSubsets differs:\n got %+v\nwant %+v", h.name, v.name, diff(got, want), diff(want, got))
			}
		}
	}
}

// testHost is a facts document with its evaluation time and settings.
type testHost struct {
	name string
	now  time.Time
	org  map[string]any
	doc  map[string]any
}

// testHosts are the engine cases and the benchmark hosts.
func testHosts(t *testing.T) []testHost {
	t.Helper()
	var hosts []testHost
	add := func(name string, now time.Time, org map[string]any, raw []byte) {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		hosts = append(hosts, testHost{name, now, org, doc})
	}
	cases := loadCases(t)
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		c := cases[name]
		add(name, c.Now, c.Org, c.Input)
	}
	for _, h := range []struct {
		name string
		org  map[string]any
		doc  any
	}{{"realistic", nil, realisticHost(t)}, {"catalogue", catalogueOrg(), catalogueHost(t)}} {
		b, err := json.Marshal(h.doc)
		if err != nil {
			t.Fatal(err)
		}
		add(h.name, benchNow, h.org, b)
	}
	return hosts
}

// evaluateDoc evaluates e on the document doc at now.
func evaluateDoc(t *testing.T, e *Engine, doc map[string]any, now time.Time) []result.Result {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	in, err := InputJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), in, now)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return got
}

type variant struct {
	name string
	doc  map[string]any
}

// variants are doc and copies of it with one facts namespace removed,
// failed, null or a list, or with input.server, input.collector_errors or
// input.facts altered.
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
	with("with results forged", func(d map[string]any) {
		d["results"] = map[string]any{"ICO-SEC-01": map[string]any{"status": "pass", "evidence": []any{}}}
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
