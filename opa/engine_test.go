package opa

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// policyCase is one file of testdata/cases: a facts document, the
// evaluation time and settings, and the status expected of each control.
type policyCase struct {
	Note string         `json:"note"`
	Now  time.Time      `json:"now"`
	Org  map[string]any `json:"org"`
	// Want maps control ID to expected status; every control must appear.
	Want map[string]result.Status `json:"want"`
	// EvidenceContains maps control ID to text one evidence detail must
	// contain.
	EvidenceContains map[string]string `json:"evidence_contains"`
	Input            json.RawMessage   `json:"input"`
}

func loadCases(t *testing.T) map[string]policyCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cases in testdata/cases")
	}
	cases := map[string]policyCase{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c policyCase
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("decode %s: %v", f, err)
		}
		cases[strings.TrimSuffix(filepath.Base(f), ".json")] = c
	}
	return cases
}

// engines builds one engine per distinct Options, as compiling is the slow
// part.
type engines struct {
	t     *testing.T
	cache map[string]*Engine
}

func (es *engines) get(org map[string]any) *Engine {
	es.t.Helper()
	key, _ := json.Marshal(org)
	if e, ok := es.cache[string(key)]; ok {
		return e
	}
	e, err := New(context.Background(), policies.FS, Options{Org: org})
	if err != nil {
		es.t.Fatalf("New(policies.FS) error: %v", err)
	}
	es.cache[string(key)] = e
	return e
}

func TestEvaluateCases(t *testing.T) {
	es := &engines{t: t, cache: map[string]*Engine{}}
	ctx := context.Background()
	seen := map[string]map[result.Status]bool{}
	for name, c := range loadCases(t) {
		t.Run(name, func(t *testing.T) {
			e := es.get(c.Org)
			in, err := InputJSON(c.Input)
			if err != nil {
				t.Fatalf("InputJSON: %v", err)
			}
			got, err := e.Evaluate(ctx, in, c.Now)
			if err != nil {
				t.Fatalf("Evaluate(%s) error: %v", name, err)
			}
			if len(got) != len(e.Controls()) {
				t.Fatalf("Evaluate(%s) returned %d results, want one per control (%d)", name, len(got), len(e.Controls()))
			}
			for i, r := range got {
				want, ok := c.Want[r.ControlID]
				if !ok {
					t.Errorf("case %s has no expected status for %s (%s)", name, r.ControlID, c.Note)
					continue
				}
				if r.Status != want {
					t.Errorf("Evaluate(%s)[%s] = %v, want %v (%s)\nevidence: %+v", name, r.ControlID, r.Status, want, c.Note, r.Evidence)
				}
				if len(r.Evidence) == 0 {
					t.Errorf("Evaluate(%s)[%s] has no evidence", name, r.ControlID)
				}
				if i > 0 && got[i-1].ControlID >= r.ControlID {
					t.Errorf("Evaluate(%s) results not sorted by control ID: %s before %s", name, got[i-1].ControlID, r.ControlID)
				}
				if seen[r.ControlID] == nil {
					seen[r.ControlID] = map[result.Status]bool{}
				}
				seen[r.ControlID][r.Status] = true
				if sub, ok := c.EvidenceContains[r.ControlID]; ok && !evidenceContains(r.Evidence, sub) {
					t.Errorf("Evaluate(%s)[%s] evidence %+v does not contain %q", name, r.ControlID, r.Evidence, sub)
				}
			}

			// The facts.Document path must agree with the raw JSON path.
			var doc facts.Document
			if err := json.Unmarshal(c.Input, &doc); err != nil {
				t.Fatalf("decode input as facts.Document: %v", err)
			}
			in2, err := Input(&doc)
			if err != nil {
				t.Fatalf("Input: %v", err)
			}
			got2, err := e.Evaluate(ctx, in2, c.Now)
			if err != nil {
				t.Fatalf("Evaluate(Input(%s)) error: %v", name, err)
			}
			for i := range got {
				if got[i].Status != got2[i].Status {
					t.Errorf("Evaluate(Input(%s))[%s] = %v, but %v from InputJSON", name, got[i].ControlID, got2[i].Status, got[i].Status)
				}
			}
		})
	}

	// The cases must show every status each control can produce.
	can := map[string][]result.Status{
		"ICO-SEC-01": {result.Pass, result.Fail, result.Warn, result.NotAssessed, result.Error},
		"ICO-ACC-01": {result.Pass, result.Fail, result.NotAssessed, result.Error},
		"ICO-ACC-03": {result.Pass, result.Fail, result.Warn, result.NotAssessed, result.Error},
	}
	for id, statuses := range can {
		for _, s := range statuses {
			if !seen[id][s] {
				t.Errorf("no case in testdata/cases gives %s status %s", id, s)
			}
		}
	}
}

func evidenceContains(ev []result.Evidence, sub string) bool {
	for _, e := range ev {
		if strings.Contains(e.Detail, sub) {
			return true
		}
	}
	return false
}

func TestResultMetadata(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := InputJSON([]byte(`{"facts": {"os": {"id": "debian", "name": "Debian GNU/Linux", "version_id": "13"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), in, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var sec result.Result
	for _, r := range got {
		if r.ControlID == "ICO-SEC-01" {
			sec = r
		}
	}
	want := result.Result{
		ControlID: "ICO-SEC-01",
		Title:     "Operating system is supported",
		Area:      "RMS",
		Severity:  result.Critical,
		Priority:  "Urgent",
		Status:    result.Pass,
		Evidence: []result.Evidence{{
			Subject: "os",
			Detail:  "Debian 13 (Trixie): regular security support until 2028-08-09; free Debian LTS until 2030-06-30",
			Fact:    "os.version_id",
		}},
		Remediation:    sec.Remediation,
		Mappings:       result.Mappings{CyberEssentials: []string{"SUM"}, CISv8: []string{"2.2"}, ISO27001: []string{"8.8"}},
		Sources:        map[string]string{"lifecycle": "endoflife-date/endoflife.date@a70eca337600e7d721dc48112c271f98661d208b"},
		PolicyRevision: e.Revision(),
	}
	if !reflect.DeepEqual(sec, want) {
		t.Errorf("Evaluate(debian 13)[ICO-SEC-01] =\n%+v\nwant\n%+v", sec, want)
	}
	if !strings.HasPrefix(sec.Remediation, "Upgrade the host") {
		t.Errorf("Remediation = %q, want the METADATA remediation", sec.Remediation)
	}
}

func TestControls(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := e.Controls()
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
		if c.Title == "" || c.Description == "" || c.Remediation == "" || c.Area == "" || !c.Severity.Valid() {
			t.Errorf("Controls()[%s] = %+v, want title, description, remediation, area and severity", c.ID, c)
		}
		if strings.Contains(c.Description, "\n") {
			t.Errorf("Controls()[%s].Description has a line break; use a folded YAML scalar (>-)", c.ID)
		}
	}
	want := []string{
		"ICO-ACC-01", "ICO-ACC-02", "ICO-ACC-03", "ICO-BCP-01", "ICO-BCP-02", "ICO-BKP-01", "ICO-BKP-02", "ICO-BKP-03",
		"ICO-CHG-01", "ICO-LOG-01", "ICO-LOG-02", "ICO-MON-01", "ICO-MON-02", "ICO-RET-01",
		"ICO-SEC-01", "ICO-SEC-02", "ICO-SEC-03", "ICO-SEC-04", "ICO-SEC-05",
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("Controls() IDs = %v, want %v", ids, want)
	}
	byID := map[string]result.Control{}
	for _, c := range got {
		byID[c.ID] = c
	}
	tests := []struct {
		id       string
		severity result.Severity
		pkg      string
		mappings result.Mappings
	}{
		{"ICO-ACC-01", result.High, "auditfleet.controls.ico_acc_01", result.Mappings{CyberEssentials: []string{"UAC"}, CISv8: []string{"5.3"}, ISO27001: []string{"5.18"}}},
		{"ICO-ACC-03", result.High, "auditfleet.controls.ico_acc_03", result.Mappings{CyberEssentials: []string{"UAC"}, CISv8: []string{"5.1", "5.4"}, ISO27001: []string{"8.2"}}},
		{"ICO-SEC-01", result.Critical, "auditfleet.controls.ico_sec_01", result.Mappings{CyberEssentials: []string{"SUM"}, CISv8: []string{"2.2"}, ISO27001: []string{"8.8"}}},
	}
	for _, tt := range tests {
		c := byID[tt.id]
		if c.Severity != tt.severity || c.Package != tt.pkg || c.Area != "RMS" || !reflect.DeepEqual(c.Mappings, tt.mappings) {
			t.Errorf("Controls()[%s] = %+v, want severity %s, package %s, area RMS, mappings %+v", tt.id, c, tt.severity, tt.pkg, tt.mappings)
		}
	}
	// Controls returns a copy.
	got[0].Mappings.CISv8[0] = "changed"
	if e.Controls()[0].Mappings.CISv8[0] == "changed" {
		t.Error("Controls() shares its mappings with the engine")
	}
}

// controlModule is a minimal valid control module with the given body.
func controlModule(pkg, id, body string) string {
	return `# METADATA
# title: Test control ` + id + `
# description: A control for engine tests.
# custom:
#   id: ` + id + `
#   area: RMS
#   severity: low
#   mappings:
#     cis_v8: ["1.1"]
package auditfleet.controls.` + pkg + `

` + body + "\n"
}

func TestNewRefuses(t *testing.T) {
	okResult := `result := {"status": "pass", "evidence": []}`
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string // regexp the error must match
	}{
		{"syntax error", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte("package auditfleet.controls.a\n\nresult := {\n")},
		}, `controls/a/policy\.rego:\d+`},
		{"missing metadata", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte("package auditfleet.controls.a\n\n" + okResult + "\n")},
		}, `controls/a/policy\.rego:1: control package auditfleet\.controls\.a has no package METADATA`},
		{"unknown severity", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(strings.Replace(controlModule("a", "T-A-01", okResult), "severity: low", "severity: severe", 1))},
		}, `controls/a/policy\.rego:1: .*custom\.severity "severe" is not one of`},
		{"missing id and area", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(strings.NewReplacer("#   id: T-A-01\n", "", "#   area: RMS\n", "").Replace(controlModule("a", "T-A-01", okResult)))},
		}, `controls/a/policy\.rego:1: .*custom\.id is missing; custom\.area is missing`},
		{"numeric mapping", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(strings.Replace(controlModule("a", "T-A-01", okResult), `cis_v8: ["1.1"]`, `cis_v8: [5.10]`, 1))},
		}, `controls/a/policy\.rego:1: .*custom\.mappings\.cis_v8 must be a list of strings`},
		{"no result rule", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(controlModule("a", "T-A-01", `other := 1`))},
		}, `controls/a/policy\.rego:10: control T-A-01 \(package auditfleet\.controls\.a\) has no result rule`},
		{"duplicate ID", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(controlModule("a", "T-A-01", okResult))},
			"controls/b/policy.rego": {Data: []byte(controlModule("b", "T-A-01", okResult))},
		}, `controls/b/policy\.rego:1: control ID T-A-01 is used by both`},
		{"compile error", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(controlModule("a", "T-A-01", `result := {"status": data.auditfleet.nowhere.f(1), "evidence": []}`))},
		}, `controls/a/policy\.rego:12: .*undefined function data\.auditfleet\.nowhere\.f`},
		{"unused variable (strict)", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(controlModule("a", "T-A-01", `result := {"status": "pass", "evidence": []} if { x := 1 }`))},
		}, `controls/a/policy\.rego:12: .*assigned var x unused`},
		{"no controls", fstest.MapFS{
			"lib/lib.rego": {Data: []byte("package auditfleet.lib\n\nx := 1\n")},
		}, `no control packages`},
		{"no files", fstest.MapFS{
			"README.md": {Data: []byte("hello")},
		}, `no \.rego or \.json files`},
		{"bad data file", fstest.MapFS{
			"controls/a/policy.rego": {Data: []byte(controlModule("a", "T-A-01", okResult))},
			"lifecycle/data.json":    {Data: []byte(`{"source": `)},
		}, `lifecycle/data\.json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), tt.files, Options{})
			if err == nil {
				t.Fatalf("New(%s) succeeded, want an error matching %q", tt.name, tt.want)
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("New(%s) error = %q, want one matching %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestEvaluateBrokenControls(t *testing.T) {
	fsys := fstest.MapFS{
		"controls/good/policy.rego": {Data: []byte(controlModule("good", "T-GOOD-01",
			`result := {"status": "pass", "evidence": [{"subject": "s", "detail": "fine", "fact": "f"}], "sources": {"x": "y"}}`))},
		"controls/unknown_status/policy.rego": {Data: []byte(controlModule("unknown_status", "T-BAD-01",
			`result := {"status": "maybe", "evidence": []}`))},
		"controls/undefined/policy.rego": {Data: []byte(controlModule("undefined", "T-BAD-02",
			`result := {"status": "pass", "evidence": []} if input.never`))},
		"controls/bad_evidence/policy.rego": {Data: []byte(controlModule("bad_evidence", "T-BAD-03",
			`result := {"status": "fail", "evidence": [{"subject": 1, "detail": "d"}]}`))},
		"controls/not_object/policy.rego": {Data: []byte(controlModule("not_object", "T-BAD-04",
			`result := "pass"`))},
		"controls/bad_sources/policy.rego": {Data: []byte(controlModule("bad_sources", "T-BAD-05",
			`result := {"status": "pass", "evidence": [], "sources": {"lifecycle": 7}}`))},
		"controls/conflict/policy.rego": {Data: []byte(controlModule("conflict", "T-BAD-06",
			"result := {\"status\": \"pass\", \"evidence\": []} if input.a\n\nresult := {\"status\": \"fail\", \"evidence\": []} if input.b"))},
	}
	e, err := New(context.Background(), fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := InputJSON([]byte(`{"a": true, "b": true}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), in, time.Now())
	if err != nil {
		t.Fatalf("Evaluate error: %v", err)
	}
	want := map[string]string{ // control ID -> "" for pass, else text the error evidence must contain
		"T-GOOD-01": "",
		"T-BAD-01":  `result.status is "maybe"`,
		"T-BAD-02":  "policy defined no result for this input",
		"T-BAD-03":  "result.evidence[0] is",
		"T-BAD-04":  "result is string, want an object",
		"T-BAD-05":  "result.sources[\"lifecycle\"] is number",
		"T-BAD-06":  "policy evaluation failed",
	}
	if len(got) != len(want) {
		t.Fatalf("Evaluate returned %d results, want %d", len(got), len(want))
	}
	for _, r := range got {
		sub := want[r.ControlID]
		if sub == "" {
			if r.Status != result.Pass || r.Sources["x"] != "y" {
				t.Errorf("Evaluate[%s] = %+v, want pass with sources", r.ControlID, r)
			}
			continue
		}
		if r.Status != result.Error || len(r.Evidence) != 1 || !strings.Contains(r.Evidence[0].Detail, sub) {
			t.Errorf("Evaluate[%s] = %v %+v, want error with evidence containing %q", r.ControlID, r.Status, r.Evidence, sub)
		}
	}
}

func TestRevision(t *testing.T) {
	base := fstest.MapFS{
		"controls/a/policy.rego":      {Data: []byte(controlModule("a", "T-A-01", `result := {"status": "pass", "evidence": []}`))},
		"controls/a/policy_test.rego": {Data: []byte("package auditfleet.controls.a_test\n\ntest_x if true\n")},
		"data/x.json":                 {Data: []byte(`{"n": 1}`)},
	}
	revision := func(fsys fstest.MapFS) string {
		t.Helper()
		e, err := New(context.Background(), fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return e.Revision()
	}
	with := func(name, content string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range base {
			m[k] = v
		}
		m[name] = &fstest.MapFile{Data: []byte(content)}
		return m
	}
	r := revision(base)
	if !regexp.MustCompile(`^sha256:[0-9a-f]{16}$`).MatchString(r) {
		t.Fatalf("Revision() = %q, want sha256:<16 hex>", r)
	}
	if again := revision(base); again != r {
		t.Errorf("Revision() = %s then %s for the same tree", r, again)
	}
	if got := revision(with("controls/a/policy_test.rego", "package auditfleet.controls.a_test\n\ntest_y if true\n")); got != r {
		t.Errorf("Revision() changed to %s when only a test changed", got)
	}
	if got := revision(with("data/x.json", `{"n": 2}`)); got == r {
		t.Errorf("Revision() = %s unchanged after data changed", got)
	}
	if got := revision(with("controls/a/extra.rego", "package auditfleet.controls.a\n\nextra := 1\n")); got == r {
		t.Errorf("Revision() = %s unchanged after a module was added", got)
	}
}

func TestOptions(t *testing.T) {
	fsys := fstest.MapFS{
		"controls/a/policy.rego": {Data: []byte(controlModule("a", "T-A-01",
			`result := {"status": "pass", "evidence": [{"subject": "x", "detail": sprintf("%v", [data.org.name]), "fact": ""}]}`))},
		"org/data.json": {Data: []byte(`{"name": "from-file"}`)},
	}
	tests := []struct {
		opts Options
		want string
	}{
		{Options{}, "from-file"},
		{Options{Org: map[string]any{"name": "acme"}}, "acme"},
	}
	for _, tt := range tests {
		e, err := New(context.Background(), fsys, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Evaluate(context.Background(), mustInput(t, `{}`), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if d := got[0].Evidence[0].Detail; d != tt.want {
			t.Errorf("Evaluate with %+v: detail = %q, want %q", tt.opts, d, tt.want)
		}
	}
	if _, err := New(context.Background(), fsys, Options{Org: map[string]any{"bad": make(chan int)}}); err == nil {
		t.Error("New with organisation data that is not JSON data succeeded, want an error")
	}
}

func mustInput(t *testing.T, s string) ast.Value {
	t.Helper()
	v, err := InputJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestInputJSON(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{`{"facts": {"os": {"id": "debian"}}, "collector_errors": null}`, ""},
		{`{}`, ""},
		{`[1, 2]`, "want a JSON object"},
		{`{"a": 1} {"b": 2}`, "data after the top-level value"},
		{`"just a string"`, "want a JSON object, got a string"},
		{`{"a": `, "decode JSON"},
		{``, "decode JSON"},
	}
	for _, tt := range tests {
		_, err := InputJSON([]byte(tt.in))
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("InputJSON(%q) error = %v, want none", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("InputJSON(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
		}
	}
	if _, err := Input(nil); err == nil {
		t.Error("Input(nil) succeeded, want an error")
	}
}

func TestEvaluateCancelled(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Evaluate(ctx, mustInput(t, `{}`), time.Now()); err == nil {
		t.Error("Evaluate with a cancelled context succeeded, want an error")
	}
	if _, err := e.Evaluate(context.Background(), nil, time.Now()); err == nil {
		t.Error("Evaluate(nil input) succeeded, want an error")
	}
}

// TestEvaluateConcurrent evaluates from several goroutines; run with -race.
func TestEvaluateConcurrent(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := Input(realisticHost(t))
	if err != nil {
		t.Fatal(err)
	}
	want, err := e.Evaluate(context.Background(), in, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				got, err := e.Evaluate(context.Background(), in, benchNow)
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(got, want) {
					t.Error("concurrent Evaluate gave a different result")
					return
				}
			}
		})
	}
	wg.Wait()
}
