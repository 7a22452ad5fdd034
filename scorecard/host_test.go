package scorecard

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/result"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() (*facts.Document, []result.Result) {
	doc := &facts.Document{
		ReportID:    "0123456789abcdef0123456789abcdef",
		CollectedAt: time.Date(2026, 11, 20, 11, 59, 0, 0, time.UTC),
		Facts:       map[string]json.RawMessage{"os": json.RawMessage(`{"hostname":"web-1","pretty_name":"Debian GNU/Linux 11 (bullseye)"}`)},
		Collectors: map[string]facts.Run{
			"os":       {Collector: "os", Namespace: "os"},
			"packages": {Collector: "packages", Namespace: "packages", Partial: true, Warnings: []string{"/var/lib/dpkg/status: permission denied"}},
			"patching": {Collector: "patching", Namespace: "patching", Partial: true},
			"users":    {Collector: "users", Namespace: "users", Warnings: []string{"/etc/shadow unreadable:\nlast-login dates unknown"}},
		},
		CollectorErrors: []facts.CollectorError{
			{Collector: "backups", Namespace: "backups", Kind: facts.ErrTimeout, Message: "collector backups: killed after 30s time limit"},
		},
	}
	many := make([]result.Evidence, 12)
	for i := range many {
		many[i] = result.Evidence{Subject: "user" + string(rune('a'+i)), Detail: "no login for 90 days"}
	}
	results := []result.Result{
		{ControlID: "ICO-ACC-01", Title: "Dormant accounts disabled", Area: "RMS", Severity: result.High, Status: result.Fail, Evidence: many, Remediation: "Lock or remove\naccounts nobody uses."},
		{ControlID: "ICO-ACC-03", Title: "Privileged access restricted", Area: "RMS", Severity: result.High, Status: result.Warn, Evidence: []result.Evidence{{Subject: "alice", Detail: "admin via group:sudo"}}},
		{ControlID: "ICO-BKP-01", Title: "Backups are current", Area: "RMS", Severity: result.High, Status: result.Error, Evidence: []result.Evidence{{Detail: "backups collector failed: timeout"}}},
		{ControlID: "ICO-SEC-01", Title: "Operating system is supported", Area: "RMS", Severity: result.Critical, Status: result.Fail, Evidence: []result.Evidence{{Subject: "os", Detail: "Debian 11 (bullseye): Debian LTS ended 2026-08-31"}}},
		{ControlID: "ICO-SEC-02", Title: "Security updates applied within 14 days", Area: "RMS", Severity: result.High, Status: result.NotAssessed},
		{ControlID: "ICO-SEC-04", Title: "Secure baseline", Area: "RMS", Severity: result.Medium, Status: result.Pass},
	}
	return doc, results
}

func TestForHostSummary(t *testing.T) {
	doc, results := sample()
	h := ForHost("web-1", "Debian GNU/Linux 11 (bullseye)", doc, results, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), "sha256:abc", Thresholds{})
	want := Summary{Total: 6, Pass: 1, Fail: 2, Warn: 1, NotAssessed: 1, Error: 1}
	if h.Summary != want {
		t.Errorf("Summary = %+v, want %+v", h.Summary, want)
	}
	if h.Host != "web-1" || h.OS != "Debian GNU/Linux 11 (bullseye)" {
		t.Errorf("Host, OS = %q, %q", h.Host, h.OS)
	}
	if !h.Failed() {
		t.Error("Failed() = false with two failures")
	}
	// Passing weight: SEC-04 medium 4 + ACC-03 warn high 7 = 11; assessed:
	// that plus the failures ACC-01 high 7 and SEC-01 critical 10 = 28;
	// 100 × 11 / 28 = 39.29, shown as 39.3.
	if h.Score.Score == nil || *h.Score.Score != 39.3 {
		t.Errorf("Score = %v, want 39.3", h.Score.Score)
	}
	// 39.3% is under 60%: Very limited, whatever the critical failure.
	if got := h.Assurance.Overall.Rating; got != VeryLimited {
		t.Errorf("Assurance.Overall.Rating = %q, want %q", got, VeryLimited)
	}
}

func TestWriteTextGolden(t *testing.T) {
	doc, results := sample()
	h := ForHost("web-1", "Debian GNU/Linux 11 (bullseye)", doc, results, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), "sha256:abc", Thresholds{})
	var buf bytes.Buffer
	if err := h.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "host.txt")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("WriteText mismatch (go test -update to accept)\ngot:\n%s\nwant:\n%s", buf.Bytes(), want)
	}
}
