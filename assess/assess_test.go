package assess

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/scorecard"
)

const goodReport = `{"schema_version":1,"report_id":"0123456789abcdef0123456789abcdef","collected_at":"2026-09-01T00:00:00Z",
"agent":{"version":"t","host_root":"/"},
"facts":{"os":{"id":"debian","name":"Debian GNU/Linux","version_id":"11","pretty_name":"Debian GNU/Linux 11 (bullseye)","hostname":"web-1","family":"linux"}},
"collectors":{},"collector_errors":[]}`

func TestDecodeRefuses(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"not JSON", `{`, "not a facts document"},
		{"trailing data", goodReport + `{}`, "trailing data"},
		{"unknown field", strings.Replace(goodReport, `"agent"`, `"agnet"`, 1), "unknown field"},
		{"schema version", strings.Replace(goodReport, `"schema_version":1`, `"schema_version":9`, 1), "schema_version 9"},
		{"no collection time", strings.Replace(goodReport, `"collected_at":"2026-09-01T00:00:00Z",`, ``, 1), "collected_at"},
		{"bad namespace", strings.Replace(goodReport, `"facts":{"os"`, `"facts":{"../os"`, 1), "not valid"},
		{"facts not an object", strings.Replace(goodReport, `"facts":{`, `"facts":{"x":[1],`, 1), "facts.x must be an object"},
		{"9,000 levels of nesting", strings.Replace(goodReport, `"facts":{`, `"facts":{"deep":{"x":`+strings.Repeat("[", 9000)+strings.Repeat("]", 9000)+`},`, 1), "nested more than 64 levels"},
		{"duplicate top-level key", strings.Replace(goodReport, `"schema_version":1,`, `"schema_version":1,"report_id":"ffffffffffffffffffffffffffffffff",`, 1), `object key "report_id" repeated`},
		{"duplicate facts key", strings.Replace(goodReport, `"id":"debian",`, `"id":"debian","id":"ubuntu",`, 1), `object key "id" repeated`},
		{"duplicate namespace", strings.Replace(goodReport, `"facts":{`, `"facts":{"os":{},`, 1), `object key "os" repeated`},
		{"invalid UTF-8", strings.Replace(goodReport, `"web-1"`, "\"web-\xff\"", 1), "invalid UTF-8"},
		{"unpaired surrogate", strings.Replace(goodReport, `"web-1"`, `"web-\ud800"`, 1), "unpaired surrogate"},
		{"too many keys in one object", strings.Replace(goodReport, `"facts":{`, `"facts":{"wide":{`+manyKeys(10_001)+`},`, 1), "more than 10000 keys"},
		{"collector error without kind", strings.Replace(goodReport, `"collector_errors":[]`, `"collector_errors":[{"collector":"os","message":"m"}]`, 1), "needs collector and kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.body))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode error = %v, want ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}

// manyKeys returns n distinct object members, "k0":0,"k1":0,….
func manyKeys(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `"k` + strconv.Itoa(i) + `":0`
	}
	return strings.Join(parts, ",")
}

func TestDecodeAndOSFact(t *testing.T) {
	r, err := Decode([]byte(goodReport))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.OSFact("hostname"); got != "web-1" {
		t.Errorf("OSFact(hostname) = %q", got)
	}
	if got := r.OSFact("nothing"); got != "" {
		t.Errorf("OSFact(nothing) = %q, want empty", got)
	}
	// Encode gives what Decode gives for the same document.
	r2, body, err := Encode(&r.Doc)
	if err != nil || len(body) == 0 || r2.OSFact("pretty_name") != "Debian GNU/Linux 11 (bullseye)" {
		t.Fatalf("Encode = %v, %q", err, r2.OSFact("pretty_name"))
	}
}

func TestAssess(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC)
	waivers := "waivers:\n  - id: W-1\n    control: ICO-SEC-01\n    hosts: [\"web-*\"]\n    reason: Upgrade booked.\n    approver: SIRO\n    created: 2026-09-01\n    expires: 2026-12-31\n"
	var set orgdata.Set
	if err := set.Load(orgdata.KindWaivers, "waivers.yaml", []byte(waivers), []string{"ICO-SEC-01"}); err != nil {
		t.Fatal(err)
	}
	engine, err := opa.New(ctx, policies.FS, opa.Options{Org: set.PolicyData()})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Decode([]byte(goodReport))
	if err != nil {
		t.Fatal(err)
	}
	status := func(card []result.Result, id string) result.Status {
		for _, res := range card {
			if res.ControlID == id {
				return res.Status
			}
		}
		return ""
	}
	tests := []struct {
		name    string
		host    Host
		pol     *Policies
		wantSec result.Status
		wantMon result.Status
		wantRev string
	}{
		{"offline, no organisation data", Host{}, &Policies{Engine: engine}, result.Fail, result.NotAssessed, engine.Revision()},
		{"offline, waiver by the os hostname", Host{}, &Policies{Engine: engine, Org: &set, OrgKey: "k1"}, result.Waived, result.NotAssessed, engine.Revision() + "+org:k1"},
		{"server, enrolled name outside the waiver", Host{ID: "h1", Name: "db-1", MissedCycles: new(int)}, &Policies{Engine: engine, Org: &set, OrgKey: "k1"}, result.Fail, result.Pass, engine.Revision() + "+org:k1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card, err := Assess(ctx, r, tt.host, tt.pol, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := status(card.Results, "ICO-SEC-01"); got != tt.wantSec {
				t.Errorf("ICO-SEC-01 = %s, want %s", got, tt.wantSec)
			}
			if got := status(card.Results, "ICO-MON-02"); got != tt.wantMon {
				t.Errorf("ICO-MON-02 = %s, want %s", got, tt.wantMon)
			}
			if card.PolicyRevision != tt.wantRev || card.Results[0].PolicyRevision != tt.wantRev {
				t.Errorf("revision = %s / %s, want %s", card.PolicyRevision, card.Results[0].PolicyRevision, tt.wantRev)
			}
			if len(card.Results) != len(engine.Controls()) {
				t.Errorf("%d results for %d controls", len(card.Results), len(engine.Controls()))
			}
		})
	}
	// The report's own input is shared, never changed by an assessment.
	if _, err := Assess(ctx, r, Host{Name: "x", Tags: map[string]string{"env": "prod"}}, &Policies{Engine: engine}, now); err != nil {
		t.Fatal(err)
	}
	if r.input.Get(ast.StringTerm("host")) != nil {
		t.Error("Assess added input.host to the report's shared input")
	}
}

// TestThresholds: the organisation's min_coverage_percent reaches the
// rating thresholds, and its default is the scorecard's.
func TestThresholds(t *testing.T) {
	if got, want := *orgdata.Defaults().MinCoveragePercent, scorecard.DefaultThresholds().MinCoverage; float64(got) != want {
		t.Errorf("orgdata default min_coverage_percent = %d, scorecard default MinCoverage = %v; want equal", got, want)
	}
	var set orgdata.Set
	if err := set.Load(orgdata.KindThresholds, "thresholds.yaml", []byte("thresholds:\n  min_coverage_percent: 0\n"), nil); err != nil {
		t.Fatal(err)
	}
	custom := scorecard.DefaultThresholds()
	custom.High = 99
	tests := []struct {
		name string
		p    *Policies
		base scorecard.Thresholds
		want float64
	}{
		{"no policies", nil, scorecard.Thresholds{}, 50},
		{"no organisation data", &Policies{}, scorecard.Thresholds{}, 50},
		{"no thresholds", &Policies{Org: &orgdata.Set{}}, scorecard.Thresholds{}, 50},
		{"min_coverage_percent: 0", &Policies{Org: &set}, scorecard.Thresholds{}, 0},
	}
	for _, tt := range tests {
		if got := tt.p.Thresholds(tt.base); got.MinCoverage != tt.want || got.High != 95 {
			t.Errorf("%s: Thresholds() = %+v, want MinCoverage %v and default High", tt.name, got, tt.want)
		}
	}
	if got := (&Policies{Org: &set}).Thresholds(custom); got.High != 99 || got.MinCoverage != 0 {
		t.Errorf("Thresholds(custom) = %+v, want High 99 kept, MinCoverage 0", got)
	}
}

func TestDecodeChecked(t *testing.T) {
	body := strings.Replace(goodReport, `"facts":{`, `"facts":{"acme":{"a":1},`, 1)
	var seen []string
	errAcme := errors.New("acme has no schema")
	_, err := DecodeChecked([]byte(body), func(ns string, raw []byte) error {
		seen = append(seen, ns+"="+string(raw[:1]))
		if ns == "acme" {
			return errAcme
		}
		return nil
	})
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, errAcme) {
		t.Fatalf("DecodeChecked = %v, want ErrInvalid wrapping the check's error", err)
	}
	if strings.Join(seen, ",") != "acme={,os={" {
		t.Errorf("check saw %v, want each namespace's facts object in order", seen)
	}
	r, err := DecodeChecked([]byte(goodReport), func(string, []byte) error { return nil })
	if err != nil || r.OSFact("hostname") != "web-1" {
		t.Fatalf("DecodeChecked with a passing check = %v, %v", r, err)
	}
}
