package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/testbin"
)

// binDir holds the agent and the real collector plugins, built once.
var binDir string

func TestMain(m *testing.M) {
	if os.Getenv("AUDITFLEET_RUSAGE_LAUNCHER") != "" {
		runLauncher()
		return
	}
	dir, err := os.MkdirTemp("", "auditfleet-cli-test")
	if err != nil {
		panic(err)
	}
	binDir = dir
	if err := testbin.Build(filepath.Join("..", ".."), dir); err != nil {
		os.RemoveAll(dir)
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// agentCmd runs the built agent with args and returns stdout, stderr and
// the exit code.
func agentCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "auditfleet-agent"), args...)
	cmd.Env = append(os.Environ(), "AUDITFLEET_CONFIG=", "AUDITFLEET_HOST_ROOT=", "AUDITFLEET_PLUGIN_DIR=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &ee):
		return stdout.String(), stderr.String(), ee.ExitCode()
	default:
		t.Fatalf("run agent: %v", err)
		return "", "", -1
	}
}

// scanDoc is the part of `scan --format json` the tests read.
type scanDoc struct {
	Host    string `json:"host"`
	Results []struct {
		ControlID string `json:"control_id"`
		Status    string `json:"status"`
		Severity  string `json:"severity"`
		Title     string `json:"title"`
		Evidence  []struct {
			Subject string `json:"subject"`
			Detail  string `json:"detail"`
		} `json:"evidence"`
		Sources map[string]string `json:"sources"`
	} `json:"results"`
	CollectorErrors []struct {
		Collector string `json:"collector"`
		Kind      string `json:"kind"`
	} `json:"collector_errors"`
}

const evalTime = "2026-11-20T12:00:00Z"

func TestScanFixtureHosts(t *testing.T) {
	type want struct {
		status   string
		subjects []string // evidence subjects that must appear (for failures)
	}
	tests := []struct {
		host     string
		want     map[string]want
		wantExit int
	}{
		{"debian11-eol", map[string]want{"ICO-SEC-01": {status: "fail"}, "ICO-ACC-01": {status: "pass"}, "ICO-ACC-03": {status: "pass"}}, ExitFailed},
		{"debian12-lts", map[string]want{"ICO-SEC-01": {status: "pass"}, "ICO-ACC-01": {status: "pass"}, "ICO-ACC-03": {status: "pass"}}, ExitOK},
		{"debian13-lastlog2", map[string]want{"ICO-SEC-01": {status: "pass"}, "ICO-ACC-01": {status: "fail", subjects: []string{"dave", "erin"}}, "ICO-ACC-03": {status: "pass"}}, ExitFailed},
		{"uid0-empty", map[string]want{"ICO-SEC-01": {status: "pass"}, "ICO-ACC-01": {status: "pass"}, "ICO-ACC-03": {status: "fail", subjects: []string{"toor", "guest"}}}, ExitFailed},
		{"expired-account", map[string]want{"ICO-SEC-01": {status: "pass"}, "ICO-ACC-01": {status: "pass"}, "ICO-ACC-03": {status: "pass"}}, ExitOK},
		{"all-pass", map[string]want{"ICO-SEC-01": {status: "pass"}, "ICO-ACC-01": {status: "pass"}, "ICO-ACC-03": {status: "pass"}}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			root := filepath.Join("..", "..", "testdata", "hosts", tt.host)
			stdout, stderr, code := agentCmd(t, "scan", "--host-root", root, "--plugin-dir", filepath.Join(binDir, "plugins"), "--format", "json", "--at", evalTime)
			if code != tt.wantExit {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantExit, stderr)
			}
			var doc scanDoc
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("scan output is not JSON: %v\n%s", err, stdout)
			}
			if len(doc.CollectorErrors) != 0 {
				t.Errorf("collector errors: %+v", doc.CollectorErrors)
			}
			got := map[string]bool{}
			for _, r := range doc.Results {
				got[r.ControlID] = true
				if r.Severity == "" || r.Title == "" || r.Evidence == nil {
					t.Errorf("%s: severity %q, title %q, evidence %v: all must be set", r.ControlID, r.Severity, r.Title, r.Evidence)
				}
				w, ok := tt.want[r.ControlID]
				if !ok {
					continue
				}
				if r.Status != w.status {
					t.Errorf("%s = %s, want %s; evidence: %+v", r.ControlID, r.Status, w.status, r.Evidence)
				}
				var subjects []string
				for _, e := range r.Evidence {
					subjects = append(subjects, e.Subject)
				}
				for _, s := range w.subjects {
					if !slices.Contains(subjects, s) {
						t.Errorf("%s: evidence subjects %v lack %q", r.ControlID, subjects, s)
					}
				}
				if r.ControlID == "ICO-SEC-01" && !strings.Contains(r.Sources["lifecycle"], "endoflife") {
					t.Errorf("ICO-SEC-01: sources %v do not record the lifecycle data revision", r.Sources)
				}
			}
			for id := range tt.want {
				if !got[id] {
					t.Errorf("no result for %s", id)
				}
			}
		})
	}
}

// TestScanDormantNotFooledByLegacyFiles checks the Debian 13 host, whose
// legacy lastlog and wtmp are empty: users who logged in recently (carol,
// and frank, who appears only in wtmpdb) must not be reported dormant.
func TestScanDormantNotFooledByLegacyFiles(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "hosts", "debian13-lastlog2")
	stdout, stderr, _ := agentCmd(t, "scan", "--host-root", root, "--plugin-dir", filepath.Join(binDir, "plugins"), "--format", "json", "--at", evalTime)
	var doc scanDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("scan output is not JSON: %v\n%s", err, stderr)
	}
	for _, r := range doc.Results {
		if r.ControlID != "ICO-ACC-01" {
			continue
		}
		for _, e := range r.Evidence {
			if (e.Subject == "carol" || e.Subject == "frank") && r.Status == "fail" && strings.Contains(e.Detail, "no login") {
				t.Errorf("ICO-ACC-01 reports active user %s as dormant: %s", e.Subject, e.Detail)
			}
		}
	}
}

func TestScanTableAndExitCodes(t *testing.T) {
	plugins := filepath.Join(binDir, "plugins")
	tests := []struct {
		name     string
		args     []string
		wantExit int
		wantOut  string
		wantErr  string
	}{
		{"table output", []string{"scan", "--host-root", "../../testdata/hosts/debian11-eol", "--plugin-dir", plugins, "--at", evalTime}, ExitFailed, "ICO-SEC-01", ""},
		{"bad format", []string{"scan", "--format", "xml", "--plugin-dir", plugins}, ExitError, "", "--format"},
		{"bad time", []string{"scan", "--at", "yesterday", "--plugin-dir", plugins}, ExitError, "", "--at"},
		{"missing host root", []string{"scan", "--host-root", "/does/not/exist", "--plugin-dir", plugins}, ExitError, "", "host root"},
		{"missing plugin dir", []string{"scan", "--plugin-dir", "/does/not/exist"}, ExitError, "", "plugin directory"},
		{"missing config", []string{"scan", "--config", "/does/not/exist.yaml"}, ExitError, "", "agent config"},
		{"version", []string{"version"}, ExitOK, "auditfleet-agent", ""},
		{"controls", []string{"controls"}, ExitOK, "ICO-SEC-01", ""},
		{"controls with custom", []string{"controls", "--custom-policies", "../../opa/testdata/custom/good"}, ExitOK, "ORG-USB-01", ""},
		{"bad organisation data", []string{"scan", "--org-dir", "testdata/org/bad", "--plugin-dir", plugins}, ExitError, "", "plans.yaml:6: last_review"},
		{"custom policy syntax error", []string{"scan", "--custom-policies", "../../opa/testdata/custom/syntax", "--plugin-dir", plugins}, ExitError, "", "broken.rego:"},
		{"custom policy without metadata", []string{"controls", "--custom-policies", "../../opa/testdata/custom/nometa"}, ExitError, "", "nometa.rego:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := agentCmd(t, tt.args...)
			if code != tt.wantExit {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.wantExit, stderr)
			}
			if !strings.Contains(stdout, tt.wantOut) {
				t.Errorf("stdout %q lacks %q", stdout, tt.wantOut)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.wantErr)
			}
		})
	}
}

// TestScanSurvivesTamperedPlugin: a collector binary changed after its
// manifest was written is refused with an error naming it, its controls
// report error, and the other collector's facts still arrive.
func TestScanSurvivesTamperedPlugin(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "plugins")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"auditfleet-collector-os", "os.manifest.json", "auditfleet-collector-accounts", "accounts.manifest.json"} {
		b, err := os.ReadFile(filepath.Join(binDir, "plugins", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "auditfleet-collector-os"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0})
	f.Close()
	stdout, stderr, code := agentCmd(t, "scan", "--host-root", "../../testdata/hosts/all-pass", "--plugin-dir", dir, "--format", "json", "--at", evalTime)
	if code == ExitOK {
		t.Errorf("exit 0 with a refused collector; want non-zero")
	}
	var doc scanDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("scan output is not JSON: %v\n%s", err, stderr)
	}
	if len(doc.CollectorErrors) != 1 || doc.CollectorErrors[0].Collector != "os" || doc.CollectorErrors[0].Kind != "refused" {
		t.Fatalf("collector errors %+v, want one refused error for os", doc.CollectorErrors)
	}
	if !strings.Contains(stderr, "collector os") || !strings.Contains(stderr, "manifest pins") {
		t.Errorf("stderr does not name the refused plugin and why:\n%s", stderr)
	}
	for _, r := range doc.Results {
		switch r.ControlID {
		case "ICO-SEC-01":
			if r.Status != "error" {
				t.Errorf("ICO-SEC-01 = %s, want error when the os collector was refused", r.Status)
			}
		case "ICO-ACC-01", "ICO-ACC-03":
			if r.Status != "pass" {
				t.Errorf("%s = %s, want pass: the accounts facts must still arrive", r.ControlID, r.Status)
			}
		}
	}
}

// TestScanAppliesWaivers: a current waiver turns the Debian 11 host's
// ICO-SEC-01 failure into waived, with the waiver's reference, and the scan
// no longer fails.
func TestScanAppliesWaivers(t *testing.T) {
	stdout, stderr, code := agentCmd(t, "scan", "--host-root", "../../testdata/hosts/debian11-eol", "--plugin-dir", filepath.Join(binDir, "plugins"), "--org-dir", "testdata/org/good", "--format", "json", "--at", evalTime)
	if code != ExitOK {
		t.Errorf("exit %d, want 0 with the only failure waived; stderr: %s", code, stderr)
	}
	var doc struct {
		Results []struct {
			ControlID string `json:"control_id"`
			Status    string `json:"status"`
			Waiver    *struct {
				ID string `json:"id"`
			} `json:"waiver"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Results {
		if r.ControlID == "ICO-SEC-01" && (r.Status != "waived" || r.Waiver == nil || r.Waiver.ID != "W-100") {
			t.Errorf("ICO-SEC-01 = %s, waiver %+v; want waived by W-100", r.Status, r.Waiver)
		}
	}
}

// TestScanEmptyRootNotRated: a scan of an empty host root has almost no
// evidence, so neither the host nor any area gets a rating: "Not rated:
// insufficient evidence", never one earned by a single warning.
func TestScanEmptyRootNotRated(t *testing.T) {
	stdout, stderr, _ := agentCmd(t, "scan", "--host-root", t.TempDir(), "--plugin-dir", filepath.Join(binDir, "plugins"), "--format", "json", "--at", evalTime)
	var doc struct {
		Assurance struct {
			Overall struct{ Rating, Reason string }         `json:"overall"`
			Areas   []struct{ Area, Rating, Reason string } `json:"areas"`
		} `json:"assurance"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("scan output: %v\n%s", err, stderr)
	}
	if doc.Assurance.Overall.Rating != "Not rated" || doc.Assurance.Overall.Reason != "insufficient_evidence" {
		t.Errorf("overall = %+v, want Not rated for insufficient evidence", doc.Assurance.Overall)
	}
	if len(doc.Assurance.Areas) == 0 {
		t.Fatal("no areas in the scorecard")
	}
	for _, a := range doc.Assurance.Areas {
		if a.Rating != "Not rated" {
			t.Errorf("area %s rated %q on an empty host root, want Not rated", a.Area, a.Rating)
		}
	}
}
