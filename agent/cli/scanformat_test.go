package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanFormats scans one fixture host in every machine format and
// checks each against the JSON scorecard of the same scan: the JUnit
// counts, the SARIF results and the Markdown summary agree with it, and
// the exit status is the same whatever the format.
func TestScanFormats(t *testing.T) {
	args := []string{"scan", "--host-root", "../../testdata/hosts/debian11-eol", "--plugin-dir", filepath.Join(binDir, "plugins"), "--at", evalTime, "--format"}
	stdout, stderr, code := agentCmd(t, append(args, "json")...)
	if code != ExitFailed {
		t.Fatalf("json: exit %d, want %d; stderr: %s", code, ExitFailed, stderr)
	}
	var card struct {
		Summary struct {
			Total       int `json:"total"`
			Fail        int `json:"fail"`
			Error       int `json:"error"`
			NotAssessed int `json:"not_assessed"`
			Waived      int `json:"waived"`
		} `json:"summary"`
		Results []struct {
			ControlID string `json:"control_id"`
			Status    string `json:"status"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &card); err != nil {
		t.Fatal(err)
	}
	if card.Summary.Fail == 0 {
		t.Fatal("fixture host fails nothing: the formats would not be tested")
	}
	s := card.Summary

	out := func(format string) string {
		t.Helper()
		stdout, stderr, code := agentCmd(t, append(args, format)...)
		if code != ExitFailed {
			t.Errorf("%s: exit %d, want %d; stderr: %s", format, code, ExitFailed, stderr)
		}
		return stdout
	}

	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suite    struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out("junit")), &junit); err != nil {
		t.Fatalf("junit does not parse: %v", err)
	}
	if junit.Tests != s.Total || junit.Failures != s.Fail || junit.Errors != s.Error || junit.Skipped != s.NotAssessed+s.Waived || len(junit.Suite.Cases) != s.Total {
		t.Errorf("junit tests=%d failures=%d errors=%d skipped=%d cases=%d; summary %+v", junit.Tests, junit.Failures, junit.Errors, junit.Skipped, len(junit.Suite.Cases), s)
	}

	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
				Kind   string `json:"kind"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out("sarif")), &sarif); err != nil {
		t.Fatalf("sarif: %v", err)
	}
	failing := map[string]bool{}
	for _, r := range card.Results {
		if r.Status == "fail" {
			failing[r.ControlID] = true
		}
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
		t.Fatalf("sarif version %q, %d runs", sarif.Version, len(sarif.Runs))
	}
	fails := 0
	for _, r := range sarif.Runs[0].Results {
		if r.Kind == "fail" {
			fails++
			if !failing[r.RuleID] {
				t.Errorf("sarif: %s reported failing, but the scorecard does not fail it", r.RuleID)
			}
		}
	}
	if fails != s.Fail {
		t.Errorf("sarif: %d failing results, scorecard %d", fails, s.Fail)
	}

	md := out("markdown")
	want := []string{"| ICO-SEC-01 | FAIL |", fmt.Sprintf("%d of %d controls failed", s.Fail, s.Total)}
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("markdown lacks %q:\n%s", w, md)
		}
	}
}
