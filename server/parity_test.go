package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// serverOnly are the controls whose input only the server has: whether a
// host missed audit cycles (ICO-MON-02) is a server record, so offline it
// is not assessed.
var serverOnly = []string{"ICO-MON-02"}

// parityAt is the time both assessments are made at.
var parityAt = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// TestScanAndServerAgree runs every fixture host through the offline
// scan and through the server, with the same organisation data and the
// same custom control, and asserts identical results: status and evidence
// of every control. One extra host, an Ubuntu 20.04 whose Ubuntu Pro
// entitlement only the organisation's register records, shows a
// per-host policy setting reaching both.
func TestScanAndServerAgree(t *testing.T) {
	ctx := context.Background()
	orgDir := filepath.Join("testdata", "parity", "org")
	customDir := filepath.Join("..", "opa", "testdata", "custom", "good")

	roots := map[string]string{}
	hosts, err := filepath.Glob(filepath.Join("..", "testdata", "hosts", "*", "etc", "os-release"))
	if err != nil || len(hosts) == 0 {
		t.Fatalf("no fixture hosts: %v", err)
	}
	for _, f := range hosts {
		root := filepath.Dir(filepath.Dir(f))
		roots[filepath.Base(root)] = root
	}
	ubuntu := fixture.Copy(t, roots["debian12-lts"], parityAt)
	fixture.Write(t, ubuntu, map[string]string{
		"etc/hostname":   "legacy-1\n",
		"etc/os-release": "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\nVERSION_ID=\"20.04\"\nVERSION_CODENAME=focal\n",
	})
	roots["ubuntu2004-entitled"] = ubuntu

	st, err := dirstore.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default(t.TempDir())
	cfg.Policy.CustomDir = customDir
	s, err := server.New(ctx, cfg, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s.SetClock(func() time.Time { return parityAt })
	uploadOrgDir(t, s, orgDir)
	secret, err := s.Registry.CreateEnrollSecret(ctx, "parity", nil)
	if err != nil {
		t.Fatal(err)
	}
	cycle, _, err := s.API.Schedule.Current(parityAt)
	if err != nil {
		t.Fatal(err)
	}

	sawEntitled, sawCustom := false, false
	for _, name := range slices.Sorted(maps.Keys(roots)) {
		t.Run(name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "report.json")
			offline := scanJSON(t, "--host-root", roots[name], "--plugin-dir", filepath.Join(binDir, "plugins"),
				"--at", parityAt.Format(time.RFC3339), "--org-dir", orgDir, "--custom-policies", customDir, "--report", report)
			body, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			id, _, err := s.Registry.Enroll(ctx, secret, registry.EnrollRequest{Hostname: offline.Host, MachineID: name + "-machine", OS: "linux", AgentVersion: "test"})
			if err != nil {
				t.Fatal(err)
			}
			rc, err := s.API.Ingest.Ingest(ctx, ingest.Host{ID: id, Name: offline.Host}, cycle, body)
			if err != nil {
				t.Fatalf("ingest: %v", err)
			}
			var rec ingest.Record
			rid, err := objkey.ParseReportID(rc.ReportID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.GetJSON(ctx, st, objkey.Results(cycle, id, rid), &rec); err != nil {
				t.Fatal(err)
			}
			compareResults(t, offline.Results, rec.Results)
			for _, r := range rec.Results {
				if name == "ubuntu2004-entitled" && r.ControlID == "ICO-SEC-01" && r.Status == result.Pass {
					sawEntitled = true
				}
				if r.ControlID == "ORG-USB-01" && r.Status == result.Fail {
					sawCustom = true
				}
			}
		})
	}
	if !sawEntitled {
		t.Error("the Ubuntu 20.04 host did not pass ICO-SEC-01 through its registered entitlement")
	}
	if !sawCustom {
		t.Error("the custom control ORG-USB-01 failed on no host")
	}
}

// compareResults fails the test unless offline and served have the same
// controls, statuses and evidence (apart from the server-only controls).
func compareResults(t *testing.T, offline, served []result.Result) {
	t.Helper()
	byID := func(rs []result.Result) map[string]result.Result {
		m := map[string]result.Result{}
		for _, r := range rs {
			if !slices.Contains(serverOnly, r.ControlID) {
				m[r.ControlID] = r
			}
		}
		return m
	}
	off, srv := byID(offline), byID(served)
	if len(off) == 0 || len(off) != len(srv) {
		t.Fatalf("offline has %d controls, the server %d", len(off), len(srv))
	}
	for id, o := range off {
		s, ok := srv[id]
		if !ok {
			t.Errorf("%s: offline only", id)
			continue
		}
		if o.Status != s.Status {
			t.Errorf("%s: offline %s, server %s", id, o.Status, s.Status)
		}
		ob, _ := json.Marshal(o.Evidence)
		sb, _ := json.Marshal(s.Evidence)
		if !bytes.Equal(ob, sb) {
			t.Errorf("%s: evidence differs\noffline: %s\nserver:  %s", id, ob, sb)
		}
	}
}

// hostCard is the part of the scan's JSON scorecard the test compares.
type hostCard struct {
	Host    string          `json:"host"`
	Results []result.Result `json:"results"`
}

// scanJSON runs the agent's offline scan and decodes its JSON scorecard;
// exit status 2 (a control failed) is expected.
func scanJSON(t *testing.T, args ...string) hostCard {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "auditfleet-agent"), append([]string{"scan", "--format", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "AUDITFLEET_CONFIG=", "AUDITFLEET_HOST_ROOT=", "AUDITFLEET_PLUGIN_DIR=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 1 {
			t.Fatalf("scan %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
	}
	var card hostCard
	if err := json.Unmarshal(stdout.Bytes(), &card); err != nil {
		t.Fatalf("scan output: %v\n%s", err, stdout.Bytes())
	}
	return card
}

// uploadOrgDir uploads every organisation data file of dir, as the
// assurance team would.
func uploadOrgDir(t *testing.T, s *server.Server, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no organisation data in %s: %v", dir, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kind := mustKind(t, strings.TrimSuffix(filepath.Base(f), ".yaml"))
		if _, err := s.Org.Upload(context.Background(), kind, "application/yaml", b, "person:parity-test"); err != nil {
			t.Fatalf("upload %s: %v", f, err)
		}
	}
}
