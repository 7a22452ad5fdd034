package scorecard

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/result"
)

// res is a result of control id in area with severity sev and status st.
func res(id, area string, sev result.Severity, st result.Status) result.Result {
	return result.Result{ControlID: id, Title: id, Area: area, Severity: sev, Status: st}
}

func hostCard(th Thresholds, results ...result.Result) *Host {
	return ForHost("h", "", &facts.Document{}, results, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), "rev", th)
}

// TestHostCoverage: a host is rated only when enough of its weight was
// assessed, overall and per area.
func TestHostCoverage(t *testing.T) {
	// An empty host root: one warning (high, 7) and everything else
	// unknown. Overall 7 of 7+10+7+7 = 31 assessed, 22.6%.
	nearEmpty := []result.Result{
		res("ICO-ACC-03", "RMS", result.High, result.Warn),
		res("ICO-SEC-01", "RMS", result.Critical, result.NotAssessed),
		res("ICO-BKP-01", "RMS", result.High, result.Error),
		res("ICO-LOG-01", "BRM", result.High, result.NotAssessed),
	}
	// Well covered: all passes but one low (1 of 29 weight unassessed).
	wellCovered := []result.Result{
		res("ICO-ACC-03", "RMS", result.High, result.Pass),
		res("ICO-SEC-01", "RMS", result.Critical, result.Pass),
		res("ICO-BKP-01", "RMS", result.High, result.Pass),
		res("ICO-LOG-01", "BRM", result.High, result.Pass),
		res("ICO-LOG-02", "BRM", result.Low, result.NotAssessed),
	}
	// Exactly half the weight assessed, in one area.
	half := []result.Result{
		res("ICO-ACC-01", "RMS", result.High, result.Pass),
		res("ICO-ACC-03", "RMS", result.High, result.NotAssessed),
	}
	type want struct {
		rating Rating
		reason string
	}
	tests := []struct {
		name    string
		th      Thresholds
		results []result.Result
		overall want
		areas   map[string]want
	}{
		{"near-empty host", Thresholds{}, nearEmpty,
			want{NotRated, ReasonInsufficientEvidence},
			map[string]want{"RMS": {NotRated, ReasonInsufficientEvidence}, "BRM": {NotRated, ReasonNothingAssessed}}},
		{"near-empty host, no minimum", withMin(0), nearEmpty,
			want{High, ""},
			map[string]want{"RMS": {High, ""}, "BRM": {NotRated, ReasonNothingAssessed}}},
		{"well-covered host", Thresholds{}, wellCovered,
			want{High, ""},
			map[string]want{"RMS": {High, ""}, "BRM": {High, ""}}},
		{"exactly at the minimum", withMin(50), half,
			want{High, ""}, map[string]want{"RMS": {High, ""}}},
		{"just below the minimum", withMin(50.1), half,
			want{NotRated, ReasonInsufficientEvidence}, map[string]want{"RMS": {NotRated, ReasonInsufficientEvidence}}},
		{"nothing at all", Thresholds{}, nil,
			want{NotRated, ReasonNothingAssessed}, map[string]want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := hostCard(tt.th, tt.results...)
			o := h.Assurance.Overall
			if o.Rating != tt.overall.rating || o.Reason != tt.overall.reason {
				t.Errorf("Overall = %q (%q), want %q (%q); basis %q", o.Rating, o.Reason, tt.overall.rating, tt.overall.reason, o.Basis)
			}
			if len(h.Assurance.Areas) != len(tt.areas) {
				t.Errorf("%d areas, want %d", len(h.Assurance.Areas), len(tt.areas))
			}
			for _, a := range h.Assurance.Areas {
				w := tt.areas[a.Area]
				if a.Rating != w.rating || a.Reason != w.reason {
					t.Errorf("area %s = %q (%q), want %q (%q); basis %q", a.Area, a.Rating, a.Reason, w.rating, w.reason, a.Basis)
				}
			}
		})
	}

	h := hostCard(Thresholds{}, nearEmpty...)
	if got := h.Assurance.Overall.Coverage.Weight; got == nil || *got != 22.6 {
		t.Errorf("Coverage.Weight = %s, want 22.6", show(got))
	}
	if want := "insufficient evidence: 22.6% of the weight was assessed, below the 50% minimum coverage"; h.Assurance.Overall.Basis != want {
		t.Errorf("Basis = %q, want %q", h.Assurance.Overall.Basis, want)
	}
	var buf bytes.Buffer
	if err := h.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if want := "Assurance: Not rated: insufficient evidence (22.6% of the weight assessed, below the minimum)"; !strings.Contains(buf.String(), want) {
		t.Errorf("WriteText lacks %q:\n%s", want, buf.String())
	}
	buf.Reset()
	if err := h.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Assurance struct {
			Overall struct {
				Rating, Reason string
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if j.Assurance.Overall.Rating != "Not rated" || j.Assurance.Overall.Reason != "insufficient_evidence" {
		t.Errorf("JSON assurance.overall = %+v, want rating \"Not rated\", reason \"insufficient_evidence\"", j.Assurance.Overall)
	}
}

func withMin(m float64) Thresholds {
	th := DefaultThresholds()
	th.MinCoverage = m
	return th
}

// TestFleetCoverage: the fixture fleet's weight coverage is 64.7% overall,
// 67.0% in RMS and 59.1% in BRM (docs/scoring.md); a minimum between
// them rates RMS only, and a fleet where most hosts did not report is not
// rated.
func TestFleetCoverage(t *testing.T) {
	hosts, missing := loadFleet(t)
	tests := []struct {
		min               float64
		overall, rms, brm Rating
	}{
		{50, Limited, Limited, Limited},
		{59.1, Limited, Limited, Limited},
		{59.2, Limited, Limited, NotRated},
		{64.7, Limited, Limited, NotRated},
		{64.8, NotRated, Limited, NotRated},
		{67.1, NotRated, NotRated, NotRated},
	}
	for _, tt := range tests {
		card := fleetOf(t, Options{Thresholds: withMin(tt.min)}, hosts, missing)
		got := []Rating{card.Overall.Rating, card.Areas[1].Rating, card.Areas[0].Rating}
		want := []Rating{tt.overall, tt.rms, tt.brm}
		if card.Areas[0].Area != "BRM" || card.Areas[1].Area != "RMS" {
			t.Fatalf("areas %s, %s; want BRM, RMS", card.Areas[0].Area, card.Areas[1].Area)
		}
		for i, name := range []string{"overall", "RMS", "BRM"} {
			if got[i] != want[i] {
				t.Errorf("min %g: %s = %q, want %q", tt.min, name, got[i], want[i])
			}
		}
	}

	// web-1 alone passes everything, but seven more hosts were expected:
	// 39 of 8 × 39 weight assessed (12.5%).
	var web1 []hostResults
	for _, h := range hosts {
		if h.Host == "web-1" {
			web1 = append(web1, h)
		}
	}
	card := fleetOf(t, Options{}, web1, []string{"a", "b", "c", "d", "e", "f", "g"})
	if o := card.Overall; o.Rating != NotRated || o.Reason != ReasonInsufficientEvidence || show(o.Coverage.Weight) != "12.5" {
		t.Errorf("one host of eight: %q (%q), weight coverage %s; want Not rated (insufficient_evidence), 12.5", o.Rating, o.Reason, show(o.Coverage.Weight))
	}
	var buf bytes.Buffer
	if err := card.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if want := "overall assurance: Not rated: insufficient evidence"; !strings.Contains(buf.String(), want) {
		t.Errorf("WriteText lacks %q:\n%s", want, buf.String())
	}
}

// TestCollectorWarnings: partial or warning runs reach the scorecard, by
// collector; clean runs do not, and none gives an empty list.
func TestCollectorWarnings(t *testing.T) {
	doc, results := sample()
	h := ForHost("web-1", "", doc, results, time.Now(), "rev", Thresholds{})
	var got []string
	for _, w := range h.CollectorWarnings {
		got = append(got, w.Collector)
	}
	if want := "packages patching users"; strings.Join(got, " ") != want {
		t.Errorf("CollectorWarnings collectors = %q, want %q", got, want)
	}
	if w := h.CollectorWarnings[1]; !w.Partial || w.Warnings == nil || len(w.Warnings) != 0 {
		t.Errorf("patching = %+v, want partial with no warnings ([])", w)
	}
	h = hostCard(Thresholds{})
	var buf bytes.Buffer
	if err := h.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"collector_warnings": []`) {
		t.Errorf("no collector runs: JSON lacks \"collector_warnings\": []\n%s", buf.String())
	}
}

// TestTableOrder: failures, warnings, errors, not assessed, waived,
// passes; by control ID within a status.
func TestTableOrder(t *testing.T) {
	in := []result.Result{
		res("A-1", "RMS", result.Low, result.Pass),
		res("B-1", "RMS", result.Low, result.Waived),
		res("C-1", "RMS", result.Low, result.Fail),
		res("D-1", "RMS", result.Low, result.NotAssessed),
		res("E-1", "RMS", result.Low, "odd"),
		res("F-1", "RMS", result.Low, result.Warn),
		res("G-1", "RMS", result.Low, result.Error),
		res("A-2", "RMS", result.Low, result.Fail),
	}
	var got []string
	for _, r := range tableOrder(in) {
		got = append(got, r.ControlID)
	}
	if want := "A-2 C-1 F-1 E-1 G-1 D-1 B-1 A-1"; strings.Join(got, " ") != want {
		t.Errorf("tableOrder = %s, want %s", strings.Join(got, " "), want)
	}
	if in[0].ControlID != "A-1" {
		t.Error("tableOrder changed its argument")
	}
}
