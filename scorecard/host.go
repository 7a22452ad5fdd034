package scorecard

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/result"
)

// Summary counts results by status.
type Summary struct {
	Total       int `json:"total"`
	Pass        int `json:"pass"`
	Fail        int `json:"fail"`
	Warn        int `json:"warn"`
	NotAssessed int `json:"not_assessed"`
	Error       int `json:"error"`
	Waived      int `json:"waived"`
}

// Add counts one status.
func (s *Summary) Add(st result.Status) {
	s.Total++
	switch st {
	case result.Pass:
		s.Pass++
	case result.Fail:
		s.Fail++
	case result.Warn:
		s.Warn++
	case result.NotAssessed:
		s.NotAssessed++
	case result.Waived:
		s.Waived++
	default:
		s.Error++
	}
}

// Host is the scorecard of one host for one evaluation.
type Host struct {
	Host           string    `json:"host"`
	OS             string    `json:"os"`
	ReportID       string    `json:"report_id"`
	CollectedAt    time.Time `json:"collected_at"`
	EvaluatedAt    time.Time `json:"evaluated_at"`
	PolicyRevision string    `json:"policy_revision"`
	Summary        Summary   `json:"summary"`
	Score          Score     `json:"score"`
	// Assurance rates this host alone, overall and per ICO area, on the
	// fleet's scale (High, Reasonable, Limited, Very limited), or Not
	// rated when too little of it was assessed.
	Assurance       HostAssurance          `json:"assurance"`
	Results         []result.Result        `json:"results"`
	CollectorErrors []facts.CollectorError `json:"collector_errors"`
	// CollectorWarnings are the collectors that ran but warned or read
	// only part of what they look at, by collector.
	CollectorWarnings []CollectorWarning `json:"collector_warnings"`
}

// CollectorWarning is a collector run that was partial or warned: its
// facts are incomplete or need a caveat.
type CollectorWarning struct {
	Collector string   `json:"collector"`
	Namespace string   `json:"namespace,omitempty"`
	Partial   bool     `json:"partial"`
	Warnings  []string `json:"warnings"`
}

// collectorWarnings lists the runs of doc that were partial or warned,
// by collector then namespace.
func collectorWarnings(doc *facts.Document) []CollectorWarning {
	out := []CollectorWarning{}
	for _, ns := range slices.Sorted(maps.Keys(doc.Collectors)) {
		run := doc.Collectors[ns]
		if !run.Partial && len(run.Warnings) == 0 {
			continue
		}
		w := CollectorWarning{Collector: cmp.Or(run.Collector, ns), Namespace: cmp.Or(run.Namespace, ns), Partial: run.Partial, Warnings: slices.Clone(run.Warnings)}
		if w.Warnings == nil {
			w.Warnings = []string{}
		}
		out = append(out, w)
	}
	slices.SortStableFunc(out, func(a, b CollectorWarning) int {
		return cmp.Or(cmp.Compare(a.Collector, b.Collector), cmp.Compare(a.Namespace, b.Namespace))
	})
	return out
}

// ForHost builds the scorecard of host, running os, from its evaluated
// facts document, rating it with th (the zero value means
// DefaultThresholds).
func ForHost(host, os string, doc *facts.Document, results []result.Result, evaluatedAt time.Time, policyRevision string, th Thresholds) *Host {
	h := &Host{
		Host:              host,
		OS:                os,
		ReportID:          doc.ReportID,
		CollectedAt:       doc.CollectedAt,
		EvaluatedAt:       evaluatedAt.UTC(),
		PolicyRevision:    policyRevision,
		Results:           results,
		CollectorErrors:   doc.CollectorErrors,
		CollectorWarnings: collectorWarnings(doc),
	}
	if h.Results == nil {
		h.Results = []result.Result{}
	}
	if h.CollectorErrors == nil {
		h.CollectorErrors = []facts.CollectorError{}
	}
	for _, r := range results {
		h.Summary.Add(r.Status)
	}
	h.Score = HostScore(h.Results)
	h.Assurance = rate(h.Results, th)
	return h
}

// HostAssurance is a host's rating overall and per area.
type HostAssurance struct {
	Overall Assurance   `json:"overall"`
	Areas   []AreaScore `json:"areas"`
}

// rate rates one host's results as a fleet of one; invalid thresholds
// leave it unrated.
func rate(results []result.Result, th Thresholds) HostAssurance {
	f, err := NewTally(Options{Thresholds: th})
	if err != nil {
		return HostAssurance{}
	}
	f.Add("host", results)
	card := f.Scorecard()
	return HostAssurance{Overall: card.Overall, Areas: card.Areas}
}

// Failed reports whether any control failed.
func (h *Host) Failed() bool { return h.Summary.Fail > 0 }

// WriteJSON writes the scorecard as indented JSON.
func (h *Host) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("write scorecard: %w", err)
	}
	return nil
}

// maxEvidence is how many evidence lines the table shows per control.
const maxEvidence = 10

// WriteText writes the scorecard as a table for a terminal.
func (h *Host) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	name := h.Host
	if name == "" {
		name = "(unknown host)"
	}
	if h.OS != "" {
		name += " — " + h.OS
	}
	fmt.Fprintf(ew, "Host:     %s\n", name)
	fmt.Fprintf(ew, "Report:   %s, collected %s, evaluated %s\n", h.ReportID, h.CollectedAt.UTC().Format(time.RFC3339), h.EvaluatedAt.Format(time.RFC3339))
	fmt.Fprintf(ew, "Policies: %s\n\n", h.PolicyRevision)

	idW, stW, sevW := len("CONTROL"), len("STATUS"), len("SEVERITY")
	for _, r := range h.Results {
		idW = max(idW, len(r.ControlID))
		stW = max(stW, len(r.Status))
		sevW = max(sevW, len(r.Severity))
	}
	row := func(id, st, sev, title string) {
		fmt.Fprintf(ew, "%-*s  %-*s  %-*s  %s\n", idW, id, stW, st, sevW, sev, title)
	}
	row("CONTROL", "STATUS", "SEVERITY", "TITLE")
	for _, r := range tableOrder(h.Results) {
		row(r.ControlID, strings.ToUpper(string(r.Status)), string(r.Severity), r.Title)
		for i, e := range r.Evidence {
			if i == maxEvidence {
				fmt.Fprintf(ew, "    … and %d more\n", len(r.Evidence)-maxEvidence)
				break
			}
			fmt.Fprintf(ew, "    - %s\n", evidenceLine(e))
		}
		if r.Status == result.Fail && r.Remediation != "" {
			fmt.Fprintf(ew, "    fix: %s\n", oneLine(r.Remediation))
		}
	}
	s := h.Summary
	fmt.Fprintf(ew, "\n%d controls: %d pass, %d fail, %d warn, %d waived, %d not assessed, %d error\n", s.Total, s.Pass, s.Fail, s.Warn, s.Waived, s.NotAssessed, s.Error)
	fmt.Fprintf(ew, "Score: %s (severity-weighted; waived failures counted: %s); coverage %s of controls assessed\n", pct(h.Score.Score, ""), pct(h.Score.RawScore, ""), pct(h.Score.Coverage, "%"))
	fmt.Fprintf(ew, "Assurance: %s", assuranceText(h.Assurance.Overall))
	for _, a := range h.Assurance.Areas {
		fmt.Fprintf(ew, "; %s %s", a.Area, assuranceText(a.Assurance))
	}
	fmt.Fprintln(ew)
	if len(h.CollectorErrors) > 0 {
		fmt.Fprintln(ew, "\nCollector errors:")
		for _, e := range h.CollectorErrors {
			fmt.Fprintf(ew, "  - %s (%s): %s\n", e.Collector, e.Kind, oneLine(e.Message))
		}
	}
	if len(h.CollectorWarnings) > 0 {
		fmt.Fprintln(ew, "\nCollector warnings:")
		for _, c := range h.CollectorWarnings {
			name := c.Collector
			if c.Partial {
				name += " (partial)"
			}
			if len(c.Warnings) == 0 {
				fmt.Fprintf(ew, "  - %s: some facts could not be read\n", name)
			}
			for _, w := range c.Warnings {
				fmt.Fprintf(ew, "  - %s: %s\n", name, oneLine(w))
			}
		}
	}
	if ew.err != nil {
		return fmt.Errorf("write scorecard: %w", ew.err)
	}
	return nil
}

// statusOrder is the order of the statuses in the table: what needs
// action first (failures, then warnings), then what is unknown (errors,
// whose collector can be fixed, then not assessed), then the accepted
// risks (waived) and last the passes. An unknown status sorts with error,
// as Summary counts it.
var statusOrder = map[result.Status]int{
	result.Fail: 0, result.Warn: 1, result.Error: 2, result.NotAssessed: 3, result.Waived: 4, result.Pass: 5,
}

// tableOrder returns results in statusOrder, by control ID within a
// status; results is not changed.
func tableOrder(results []result.Result) []result.Result {
	rank := func(s result.Status) int {
		if r, ok := statusOrder[s]; ok {
			return r
		}
		return statusOrder[result.Error]
	}
	out := slices.Clone(results)
	slices.SortStableFunc(out, func(a, b result.Result) int {
		return cmp.Or(cmp.Compare(rank(a.Status), rank(b.Status)), cmp.Compare(a.ControlID, b.ControlID))
	})
	return out
}

// assuranceText is a rating with the coverage it rests on, e.g. "Very
// limited (78.6% of the weight assessed)" or "Not rated: insufficient
// evidence (12.5% of the weight assessed, below 50%)".
func assuranceText(a Assurance) string {
	if a.Reason == ReasonNothingAssessed {
		return a.Label() + " (nothing assessed)"
	}
	cov := pct(a.Coverage.Weight, "%") + " of the weight assessed"
	if a.Reason == ReasonInsufficientEvidence {
		return fmt.Sprintf("%s (%s, below the minimum)", a.Label(), cov)
	}
	return fmt.Sprintf("%s (%s)", a.Label(), cov)
}

// pct renders an optional percentage; nil means nothing was assessed.
func pct(v *float64, unit string) string {
	if v == nil {
		return "not rated"
	}
	return fmt.Sprintf("%.1f%s", *v, unit)
}

func evidenceLine(e result.Evidence) string {
	if e.Subject == "" {
		return oneLine(e.Detail)
	}
	return e.Subject + ": " + oneLine(e.Detail)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// errWriter remembers the first write error so the text writer can check
// once at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
