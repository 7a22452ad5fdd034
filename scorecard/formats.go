package scorecard

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/result"
)

// Format is an output format of a scorecard.
type Format string

// The output formats of a host scorecard; the fleet scorecard has JSON
// and Markdown.
const (
	Table    Format = "table"
	JSON     Format = "json"
	JUnit    Format = "junit"
	SARIF    Format = "sarif"
	Markdown Format = "markdown"
)

// HostFormats are the formats a host scorecard can be written in.
var HostFormats = []Format{Table, JSON, JUnit, SARIF, Markdown}

// ParseFormat checks that s names one of allowed.
func ParseFormat(s string, allowed []Format) (Format, error) {
	if slices.Contains(allowed, Format(s)) {
		return Format(s), nil
	}
	names := make([]string, len(allowed))
	for i, f := range allowed {
		names[i] = string(f)
	}
	return "", fmt.Errorf("format %q: want one of %s", s, strings.Join(names, ", "))
}

// ContentType is the media type of a document in format f.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json"
	case JUnit:
		return "application/xml; charset=utf-8"
	case SARIF:
		return "application/sarif+json"
	case Markdown:
		return "text/markdown; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// Write writes the host scorecard in format f.
func (h *Host) Write(w io.Writer, f Format) error {
	switch f {
	case Table:
		return h.WriteText(w)
	case JSON:
		return h.WriteJSON(w)
	case JUnit:
		return h.WriteJUnit(w)
	case SARIF:
		return h.WriteSARIF(w)
	case Markdown:
		return h.WriteMarkdown(w)
	}
	return fmt.Errorf("write scorecard: unknown format %q", f)
}

// isoTime is t in UTC as RFC 3339, which states the zone ("Z"); the zero
// time is "unknown".
func isoTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339)
}

// evidenceText is a result's evidence, one item a line, at most
// maxEvidence of them.
func evidenceText(r result.Result) string {
	var lines []string
	for i, e := range r.Evidence {
		if i == maxEvidence {
			lines = append(lines, fmt.Sprintf("… and %d more of %d", len(r.Evidence)-maxEvidence, len(r.Evidence)))
			break
		}
		lines = append(lines, evidenceLine(e))
	}
	return strings.Join(lines, "\n")
}

// reason is why a control was not assessed, waived or errored, for a
// skipped test or a message: the waiver's reason, else the evidence.
func reason(r result.Result) string {
	if r.Waiver != nil {
		return fmt.Sprintf("waived (%s, approved by %s, expires %s): %s", r.Waiver.ID, r.Waiver.Approver, r.Waiver.Expires, oneLine(r.Waiver.Reason))
	}
	if ev := evidenceText(r); ev != "" {
		return strings.ReplaceAll(ev, "\n", "; ")
	}
	return strings.ReplaceAll(string(r.Status), "_", " ") + " (no evidence given)"
}

// junitSuites is the root of a JUnit XML report.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the scorecard as JUnit XML for CI systems: one test
// case per control, by control ID. A failure is a <failure> with its
// evidence and remediation, an error an <error>, a control not assessed
// or waived is <skipped> with the reason; a warning passes with its
// evidence in <system-out>.
func (h *Host) WriteJUnit(w io.Writer) error {
	s := junitSuite{
		Name:      cmpOr(h.Host, "(unknown host)"),
		Timestamp: isoTime(h.EvaluatedAt),
		Properties: []junitProperty{
			{Name: "os", Value: h.OS},
			{Name: "report_id", Value: h.ReportID},
			{Name: "collected_at", Value: isoTime(h.CollectedAt)},
			{Name: "evaluated_at", Value: isoTime(h.EvaluatedAt)},
			{Name: "policy_revision", Value: h.PolicyRevision},
		},
	}
	results := slices.Clone(h.Results)
	slices.SortStableFunc(results, func(a, b result.Result) int { return strings.Compare(a.ControlID, b.ControlID) })
	for _, r := range results {
		c := junitCase{Classname: "auditfleet." + cmpOr(r.Area, "controls"), Name: r.ControlID + " " + r.Title}
		s.Tests++
		switch r.Status {
		case result.Pass:
		case result.Warn:
			c.SystemOut = "warning: " + evidenceText(r)
		case result.Fail:
			s.Failures++
			text := evidenceText(r)
			if r.Remediation != "" {
				text += "\nfix: " + oneLine(r.Remediation)
			}
			c.Failure = &junitProblem{Message: fmt.Sprintf("%s failed (severity %s)", r.ControlID, r.Severity), Type: string(r.Severity), Text: strings.TrimPrefix(text, "\n")}
		case result.NotAssessed, result.Waived:
			s.Skipped++
			c.Skipped = &junitSkipped{Message: reason(r)}
		default:
			s.Errors++
			c.Error = &junitProblem{Message: fmt.Sprintf("%s could not be evaluated (status %s)", r.ControlID, r.Status), Type: string(r.Status), Text: evidenceText(r)}
		}
		s.Cases = append(s.Cases, c)
	}
	root := junitSuites{Name: "auditfleet", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Skipped: s.Skipped, Suites: []junitSuite{s}}
	ew := &errWriter{w: w}
	io.WriteString(ew, xml.Header)
	enc := xml.NewEncoder(ew)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("write scorecard as JUnit: %w", err)
	}
	io.WriteString(ew, "\n")
	if ew.err != nil {
		return fmt.Errorf("write scorecard as JUnit: %w", ew.err)
	}
	return nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SARIFSchema is the JSON schema of SARIF 2.1.0 that WriteSARIF names.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// The SARIF 2.1.0 objects WriteSARIF uses (a subset of the standard).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		Properties  map[string]any    `json:"properties"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		ShortDescription     sarifMessage   `json:"shortDescription"`
		Help                 *sarifMessage  `json:"help,omitempty"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool   `json:"executionSuccessful"`
		EndTimeUTC          string `json:"endTimeUtc,omitempty"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Kind      string          `json:"kind"`
		Level     string          `json:"level"`
		Message   sarifMessage    `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		LogicalLocations []sarifLogical `json:"logicalLocations"`
	}
	sarifLogical struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
)

// sarifLevel maps a control's severity to a SARIF level: critical and
// high are errors, medium warnings, low notes.
func sarifLevel(s result.Severity) string {
	switch s {
	case result.Critical, result.High:
		return "error"
	case result.Medium:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes the scorecard as a SARIF 2.1.0 log for code-scanning
// tools: a rule per control (its title, remediation and severity as the
// level) and a result per control that failed (kind "fail", the rule's
// level) or could not be evaluated (kind "open", level "none": the
// answer is unknown), with the evidence as the message and the host as a
// logical location. Passes, warnings, waivers and controls not assessed
// have rules but no results.
func (h *Host) WriteSARIF(w io.Writer) error {
	results := slices.Clone(h.Results)
	slices.SortStableFunc(results, func(a, b result.Result) int { return strings.Compare(a.ControlID, b.ControlID) })
	host := cmpOr(h.Host, "(unknown host)")
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "auditfleet", InformationURI: "https://github.com/auditfleet/auditfleet", Rules: []sarifRule{}}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: h.Summary.Error == 0, EndTimeUTC: timeOrEmpty(h.EvaluatedAt)}},
		Results:     []sarifResult{},
		Properties: map[string]any{
			"host": host, "os": h.OS, "report_id": h.ReportID, "collected_at": isoTime(h.CollectedAt),
			"policy_revision": h.PolicyRevision, "summary": h.Summary,
		},
	}
	index := map[string]int{}
	for _, r := range results {
		if _, ok := index[r.ControlID]; ok {
			continue
		}
		index[r.ControlID] = len(run.Tool.Driver.Rules)
		rule := sarifRule{
			ID:                   r.ControlID,
			ShortDescription:     sarifMessage{Text: cmpOr(r.Title, r.ControlID)},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)},
			Properties:           map[string]any{"severity": r.Severity, "area": r.Area, "tags": []string{"security", r.Area}},
		}
		if r.Remediation != "" {
			rule.Help = &sarifMessage{Text: oneLine(r.Remediation)}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)
	}
	for _, r := range results {
		res := sarifResult{RuleID: r.ControlID, RuleIndex: index[r.ControlID], Locations: []sarifLocation{{LogicalLocations: []sarifLogical{{Name: host, Kind: "host"}}}}}
		switch r.Status {
		case result.Pass, result.Warn, result.Waived, result.NotAssessed:
			continue
		case result.Fail:
			res.Kind, res.Level = "fail", sarifLevel(r.Severity)
			res.Message.Text = fmt.Sprintf("%s failed on %s", r.ControlID, host)
		default:
			res.Kind, res.Level = "open", "none"
			res.Message.Text = fmt.Sprintf("%s could not be evaluated on %s (status %s)", r.ControlID, host, r.Status)
		}
		if ev := evidenceText(r); ev != "" {
			res.Message.Text += ": " + strings.ReplaceAll(ev, "\n", "; ")
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return fmt.Errorf("write scorecard as SARIF: %w", err)
	}
	return nil
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// mdCell escapes text for a Markdown table cell: pipes escaped, line
// breaks as <br>.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "<", "&lt;")
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "<br>")
}

// statusWord is a status in words, never a colour or symbol alone.
func statusWord(s result.Status) string {
	return strings.ToUpper(strings.ReplaceAll(string(s), "_", " "))
}

// WriteMarkdown writes the scorecard as Markdown for pasting into a
// ticket: a summary with every count out of its total, then a table with
// what needs action first (failures, warnings, errors, not assessed,
// waived, passes). Times are UTC, stated as such.
func (h *Host) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	name := cmpOr(h.Host, "(unknown host)")
	if h.OS != "" {
		name += " — " + h.OS
	}
	fmt.Fprintf(&b, "## Scorecard: %s\n\n", mdCell(name))
	fmt.Fprintf(&b, "- Report: `%s`, collected %s, evaluated %s (UTC)\n", h.ReportID, isoTime(h.CollectedAt), isoTime(h.EvaluatedAt))
	fmt.Fprintf(&b, "- Policies: `%s`\n", h.PolicyRevision)
	s := h.Summary
	fmt.Fprintf(&b, "- **%d of %d controls failed**; %d of %d passed, %d of %d warned, %d of %d waived, %d of %d not assessed, %d of %d could not be evaluated (error)\n",
		s.Fail, s.Total, s.Pass, s.Total, s.Warn, s.Total, s.Waived, s.Total, s.NotAssessed, s.Total, s.Error, s.Total)
	fmt.Fprintf(&b, "- Score: %s of 100 (severity-weighted; waived failures counted: %s); %d of %d controls assessed (%s)\n",
		pct(h.Score.Score, ""), pct(h.Score.RawScore, ""), s.Pass+s.Fail+s.Warn+s.Waived, s.Total, pct(h.Score.Coverage, "%"))
	fmt.Fprintf(&b, "- Assurance: %s\n", assuranceText(h.Assurance.Overall))
	b.WriteString("\n| Control | Status | Severity | Title | Evidence |\n|---|---|---|---|---|\n")
	for _, r := range tableOrder(h.Results) {
		ev := evidenceText(r)
		if r.Waiver != nil || (r.Status == result.NotAssessed && ev == "") {
			ev = reason(r)
		}
		if r.Status == result.Fail && r.Remediation != "" {
			ev = strings.TrimPrefix(ev+"\n**Fix:** "+oneLine(r.Remediation), "\n")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCell(r.ControlID), statusWord(r.Status), mdCell(string(r.Severity)), mdCell(r.Title), mdCell(ev))
	}
	if len(h.CollectorErrors) > 0 {
		b.WriteString("\n**Collector errors** (their facts are unknown):\n\n")
		for _, e := range h.CollectorErrors {
			fmt.Fprintf(&b, "- %s (%s): %s\n", mdCell(e.Collector), e.Kind, mdCell(oneLine(e.Message)))
		}
	}
	if len(h.CollectorWarnings) > 0 {
		b.WriteString("\n**Collector warnings:**\n\n")
		for _, c := range h.CollectorWarnings {
			name := c.Collector
			if c.Partial {
				name += " (partial)"
			}
			if len(c.Warnings) == 0 {
				fmt.Fprintf(&b, "- %s: some facts could not be read\n", mdCell(name))
			}
			for _, w := range c.Warnings {
				fmt.Fprintf(&b, "- %s: %s\n", mdCell(name), mdCell(oneLine(w)))
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write scorecard as Markdown: %w", err)
	}
	return nil
}

// FleetFormats are the formats a fleet scorecard can be written in.
var FleetFormats = []Format{JSON, Markdown}

// WriteMarkdown writes the fleet scorecard as Markdown for a ticket or a
// report: the assurance overall with its coverage (every number out of
// its total), the areas, the areas for improvement by priority, accepted
// risks and good practice.
func (f *Fleet) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Audit cycle %s — overall assurance: %s\n\n", mdCell(cmpOr(f.Cycle, "(unnamed)")), f.Overall.Label())
	if !f.GeneratedAt.IsZero() {
		fmt.Fprintf(&b, "- Generated %s (UTC)\n", isoTime(f.GeneratedAt))
	}
	if f.Overall.Basis != "" {
		fmt.Fprintf(&b, "- %s\n", mdCell(f.Overall.Basis))
	}
	c := f.Overall.Coverage
	fmt.Fprintf(&b, "- Coverage: %d of %d hosts assessed (%s), %d of %d hosts reported, %d of %d host-control pairs assessed (%s), %s of the weight\n",
		c.HostsAssessed, c.HostsExpected, pctText(c.Hosts), c.HostsReported, c.HostsExpected, c.PairsAssessed, c.PairsExpected, pctText(c.Pairs), pctText(c.Weight))
	fmt.Fprintf(&b, "- Critical failures: %d of %d hosts assessed\n", f.Overall.CriticalHosts, c.HostsAssessed)
	if len(f.PolicyRevisions) > 0 {
		fmt.Fprintf(&b, "- Policies: %s\n", mdCell(strings.Join(f.PolicyRevisions, ", ")))
	}
	if len(f.Areas) > 0 {
		b.WriteString("\n### Areas\n\n| Area | Name | Assurance | Weighted pass | Hosts assessed | Weight assessed |\n|---|---|---|---|---|---|\n")
		for _, a := range f.Areas {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %d of %d | %s |\n", mdCell(a.Area), mdCell(a.Name), mdCell(a.Label()), pctText(a.WeightedPass), a.Coverage.HostsAssessed, a.Coverage.HostsExpected, pctText(a.Coverage.Weight))
		}
	}
	findings := func(title, verb string, xs []Finding, fix bool) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n### %s\n\n| Priority | Control | Title | Severity | Hosts | Examples |", title)
		if fix {
			b.WriteString(" Remediation |\n|---|---|---|---|---|---|---|\n")
		} else {
			b.WriteString("\n|---|---|---|---|---|---|\n")
		}
		for _, x := range xs {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s %d of %d | %s |", mdCell(x.Priority), mdCell(x.ControlID), mdCell(x.Title), x.Severity, verb, x.Hosts, x.HostsAssessed, mdCell(strings.Join(x.Sample, ", ")))
			if fix {
				fmt.Fprintf(&b, " %s |", mdCell(oneLine(x.Remediation)))
			}
			b.WriteString("\n")
		}
	}
	findings("Areas for improvement", "failing on", f.Improvements, true)
	findings("Advisories", "warning on", f.Advisories, false)
	findings("Accepted risks (waived failures)", "waived on", f.AcceptedRisks, false)
	findings("Areas of good practice", "passing on", f.GoodPractice, false)
	if len(f.MissingHosts) > 0 {
		fmt.Fprintf(&b, "\n**Hosts that did not report** (%d of %d expected; first %d listed): %s\n", c.HostsExpected-c.HostsReported, c.HostsExpected, len(f.MissingHosts), mdCell(strings.Join(f.MissingHosts, ", ")))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write fleet scorecard as Markdown: %w", err)
	}
	return nil
}
