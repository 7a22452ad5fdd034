package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
)

// TestScanDatesPendingFromFirstScan scans a host with a security update
// pending twice, 20 days apart, the package lists refreshed a day before
// each scan: with the agent's state directory the second scan counts the
// update pending from the first scan that saw it, and fails ICO-SEC-02
// (window 14 days) naming that record; without one it could only count
// from the lists' date (issue 9, item 3).
func TestScanDatesPendingFromFirstScan(t *testing.T) {
	first := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	second := first.Add(20 * 24 * time.Hour)
	inRelease := "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease"
	root := fixture.Copy(t, "../../plugins/patching/testdata/roots/bookworm-security", first)
	listsAt := func(at time.Time) {
		fixture.Rewrite(t, root, inRelease, func(b []byte) []byte {
			var out []string
			for _, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, "Date: ") {
					l = "Date: " + at.Add(-24*time.Hour).Format(time.RFC1123)
				}
				out = append(out, l)
			}
			return []byte(strings.Join(out, "\n"))
		})
		fixture.TouchFiles(t, root, at.Add(-24*time.Hour))
	}
	sec02 := func(stateDir string, at time.Time) (status, detail string) {
		t.Helper()
		stdout, stderr, _ := agentCmd(t, "scan", "--host-root", root, "--plugin-dir", filepath.Join(binDir, "plugins"), "--collector", "patching",
			"--state-dir", stateDir, "--format", "json", "--at", at.Format(time.RFC3339))
		var doc struct {
			Results []struct {
				ControlID string `json:"control_id"`
				Status    string `json:"status"`
				Evidence  []struct {
					Detail string `json:"detail"`
				} `json:"evidence"`
			} `json:"results"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("scan output: %v\n%s", err, stderr)
		}
		for _, r := range doc.Results {
			if r.ControlID == "ICO-SEC-02" {
				var d []string
				for _, e := range r.Evidence {
					d = append(d, e.Detail)
				}
				return r.Status, strings.Join(d, "; ")
			}
		}
		t.Fatalf("no ICO-SEC-02 in the scan\n%s", stderr)
		return "", ""
	}

	kept := t.TempDir()
	listsAt(first)
	if st, d := sec02(kept, first); st == "fail" {
		t.Fatalf("first scan: ICO-SEC-02 %s (%s), want no failure: the lists are a day old", st, d)
	}
	listsAt(second)
	if st, d := sec02(t.TempDir(), second); st == "fail" {
		t.Fatalf("second scan without a record: ICO-SEC-02 %s (%s), want no failure: the lists are a day old", st, d)
	}
	st, d := sec02(kept, second)
	if st != "fail" || !strings.Contains(d, "pending 20 days") || !strings.Contains(d, "this agent's record") {
		t.Errorf("second scan with the record: ICO-SEC-02 %s (%s); want fail, pending 20 days from this agent's record", st, d)
	}
}
