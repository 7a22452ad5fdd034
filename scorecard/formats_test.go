package scorecard

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/result"
)

// formatSample is the sample host with a waived control added, so every
// status appears.
func formatSample() *Host {
	doc, results := sample()
	results = append(results, result.Result{
		ControlID: "ICO-FW-01", Title: "Firewall | enabled", Area: "RMS", Severity: result.Low, Status: result.Waived,
		Waiver: &result.WaiverRef{ID: "W-7", Reason: "kiosk on an isolated VLAN", Approver: "dpo@example.org", Expires: "2027-01-31"},
	})
	return ForHost("web-1", "Debian GNU/Linux 11 (bullseye)", doc, results, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), "sha256:abc", Thresholds{})
}

// checkGolden compares got with testdata/name (go test -update rewrites it).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s mismatch (go test -update to accept)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestFormatGolden(t *testing.T) {
	h := formatSample()
	for _, tc := range []struct {
		format Format
		golden string
	}{
		{JUnit, "host.junit.xml"},
		{SARIF, "host.sarif.json"},
		{Markdown, "host.md"},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := h.Write(&buf, tc.format); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, buf.Bytes())
		})
	}
}

func TestFormatFleetMarkdownGolden(t *testing.T) {
	hosts, missing := loadFleet(t)
	sc := fleetOf(t, Options{}, hosts, missing)
	sc.Cycle = "2026-11-20T0200Z"
	sc.GeneratedAt = time.Date(2026, 11, 21, 2, 0, 5, 0, time.UTC)
	var buf bytes.Buffer
	if err := sc.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "fleet.md", buf.Bytes())
	if !strings.Contains(buf.String(), " of ") {
		t.Error("fleet Markdown gives no count out of its total")
	}
}

// TestFormatJUnitCounts parses the JUnit report and checks its counts,
// and each test case's element, against the scorecard's summary.
func TestFormatJUnitCounts(t *testing.T) {
	h := formatSample()
	var buf bytes.Buffer
	if err := h.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name      string `xml:"name,attr"`
			Tests     int    `xml:"tests,attr"`
			Failures  int    `xml:"failures,attr"`
			Errors    int    `xml:"errors,attr"`
			Skipped   int    `xml:"skipped,attr"`
			Timestamp string `xml:"timestamp,attr"`
			Cases     []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Text string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Text string `xml:",chardata"`
				} `xml:"error"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, buf.Bytes())
	}
	s := h.Summary
	if doc.Tests != s.Total || doc.Failures != s.Fail || doc.Errors != s.Error || doc.Skipped != s.NotAssessed+s.Waived {
		t.Errorf("testsuites counts tests=%d failures=%d errors=%d skipped=%d; summary %+v", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, s)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(doc.Suites))
	}
	suite := doc.Suites[0]
	if suite.Name != "web-1" || suite.Timestamp != "2026-11-20T12:00:00Z" {
		t.Errorf("suite name %q timestamp %q", suite.Name, suite.Timestamp)
	}
	var fail, errs, skip int
	for _, c := range suite.Cases {
		switch {
		case c.Failure != nil:
			fail++
			if strings.TrimSpace(c.Failure.Text) == "" {
				t.Errorf("%s: failure without evidence", c.Name)
			}
		case c.Error != nil:
			errs++
		case c.Skipped != nil:
			skip++
			if c.Skipped.Message == "" {
				t.Errorf("%s: skipped without a reason", c.Name)
			}
		}
	}
	if len(suite.Cases) != s.Total || fail != s.Fail || errs != s.Error || skip != s.NotAssessed+s.Waived {
		t.Errorf("test cases %d (fail %d, error %d, skipped %d); summary %+v", len(suite.Cases), fail, errs, skip, s)
	}
	if suite.Tests != s.Total || suite.Failures != s.Fail || suite.Errors != s.Error || suite.Skipped != s.NotAssessed+s.Waived {
		t.Errorf("testsuite counts %+v; summary %+v", suite, s)
	}
}

// TestFormatSARIFShape checks the fields SARIF 2.1.0 requires and that
// every result names a rule the driver declares, at its index.
func TestFormatSARIFShape(t *testing.T) {
	h := formatSample()
	var buf bytes.Buffer
	if err := h.WriteSARIF(&buf); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool *struct {
				Driver *struct {
					Name  string `json:"name"`
					Rules []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Kind      string `json:"kind"`
				Level     string `json:"level"`
				Message   *struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || log.Schema != SARIFSchema {
		t.Errorf("version %q $schema %q", log.Version, log.Schema)
	}
	if len(log.Runs) != 1 || log.Runs[0].Tool == nil || log.Runs[0].Tool.Driver == nil || log.Runs[0].Tool.Driver.Name == "" {
		t.Fatalf("runs[0].tool.driver.name missing: %s", buf.Bytes())
	}
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	if len(rules) != h.Summary.Total {
		t.Errorf("%d rules, want one per control (%d)", len(rules), h.Summary.Total)
	}
	levels := map[string]string{"ICO-SEC-01": "error", "ICO-SEC-04": "warning", "ICO-FW-01": "note"}
	for i, r := range rules {
		if want, ok := levels[r.ID]; ok && r.DefaultConfiguration.Level != want {
			t.Errorf("rule %s (#%d) level %q, want %q", r.ID, i, r.DefaultConfiguration.Level, want)
		}
	}
	if len(run.Results) != h.Summary.Fail+h.Summary.Error {
		t.Errorf("%d results, want %d failing plus %d erroring", len(run.Results), h.Summary.Fail, h.Summary.Error)
	}
	kinds := map[string]int{}
	for _, r := range run.Results {
		if r.RuleIndex == nil || *r.RuleIndex < 0 || *r.RuleIndex >= len(rules) || rules[*r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex %v does not name its rule", r.RuleID, r.RuleIndex)
		}
		if r.Message == nil || r.Message.Text == "" {
			t.Errorf("result %s: no message (required)", r.RuleID)
		}
		if r.Kind != "fail" && r.Level != "none" {
			t.Errorf("result %s: kind %q with level %q; SARIF wants level none unless kind is fail", r.RuleID, r.Kind, r.Level)
		}
		kinds[r.Kind]++
	}
	if kinds["fail"] != h.Summary.Fail || kinds["open"] != h.Summary.Error {
		t.Errorf("result kinds %v; summary %+v", kinds, h.Summary)
	}
}

func TestFormatParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		allowed []Format
		ok      bool
	}{
		{"sarif", HostFormats, true},
		{"markdown", FleetFormats, true},
		{"junit", FleetFormats, false},
		{"JSON", HostFormats, false},
		{"", HostFormats, false},
	} {
		f, err := ParseFormat(tc.in, tc.allowed)
		if (err == nil) != tc.ok || (tc.ok && string(f) != tc.in) {
			t.Errorf("ParseFormat(%q) = %q, %v; want ok=%v", tc.in, f, err, tc.ok)
		}
	}
}
