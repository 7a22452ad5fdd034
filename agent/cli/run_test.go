package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/internal/testserver"
	"github.com/auditfleet/auditfleet/agent/spool"
	"github.com/auditfleet/auditfleet/agent/state"
)

func clientCreds(url, hostID, token string) client.Credentials {
	return client.Credentials{ServerURL: url, HostID: hostID, Token: token}
}

// enrolled returns a state directory holding credentials for the fixture
// host on srv.
func enrolled(t *testing.T, srv *testserver.Server) (stateDir, hostID string) {
	t.Helper()
	stateDir = filepath.Join(t.TempDir(), "state")
	st, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	hostID, token := srv.Enroll(fixtureMachineID)
	if err := st.SaveCredentials(clientCreds(srv.URL, hostID, token)); err != nil {
		t.Fatal(err)
	}
	return stateDir, hostID
}

func runOnce(t *testing.T, stateDir string) (string, string, int) {
	t.Helper()
	return agentEnv(t, nil, append([]string{"run", "--once"}, hostArgs(t, stateDir)...)...)
}

func spoolOf(t *testing.T, stateDir string) *spool.Spool {
	t.Helper()
	sp, err := spool.Open(filepath.Join(stateDir, state.SpoolDir), spool.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func pendingIDs(t *testing.T, sp *spool.Spool) []string {
	t.Helper()
	ents, err := sp.Pending()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range ents {
		ids = append(ids, e.ID)
	}
	return ids
}

func TestRunOnce(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, srv *testserver.Server, stateDir, hostID string)

		wantCode     int
		wantErr      string // in stderr
		wantStored   int
		wantPending  int
		wantRejected int
	}{
		{
			name:       "delivered",
			wantCode:   ExitOK,
			wantStored: 1,
		},
		{
			name: "not enrolled",
			setup: func(t *testing.T, _ *testserver.Server, stateDir, _ string) {
				os.Remove(filepath.Join(stateDir, state.CredentialsFile))
			},
			wantCode: ExitError,
			wantErr:  "not enrolled: run auditfleet-agent enroll",
		},
		{
			name: "revoked token: re-enroll",
			setup: func(t *testing.T, srv *testserver.Server, _, hostID string) {
				srv.Revoke(hostID)
			},
			wantCode: ExitError,
			wantErr:  "re-enroll with auditfleet-agent enroll",
		},
		{
			name: "server down: spooled",
			setup: func(t *testing.T, srv *testserver.Server, _, _ string) {
				srv.Fail(testserver.PathCheckin, testserver.Failure{Status: 0})
				srv.Fail(testserver.PathReports, testserver.Failure{Status: 0})
			},
			wantCode:    ExitSpooled,
			wantErr:     "spooled",
			wantPending: 1,
		},
		{
			name: "report too large (413): moved to rejected",
			setup: func(t *testing.T, srv *testserver.Server, _, _ string) {
				srv.SetMaxReportBytes(64, 0)
			},
			wantCode:     ExitError,
			wantErr:      "refused 1 report",
			wantRejected: 1,
		},
		{
			name: "readable credentials refused",
			setup: func(t *testing.T, _ *testserver.Server, stateDir, _ string) {
				if err := os.Chmod(filepath.Join(stateDir, state.CredentialsFile), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			wantCode: ExitError,
			wantErr:  "chmod 600",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testserver.Start(enrollSecretValue)
			defer srv.Close()
			stateDir, hostID := enrolled(t, srv)
			if tt.setup != nil {
				tt.setup(t, srv, stateDir, hostID)
			}
			stdout, stderr, code := runOnce(t, stateDir)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr)
			}
			if strings.Contains(stdout+stderr, "aft_") {
				t.Errorf("output shows the host token:\n%s\n%s", stdout, stderr)
			}
			stored := srv.Reports()
			if len(stored) != tt.wantStored {
				t.Errorf("server stored %v, want %d report(s)", stored, tt.wantStored)
			}
			for _, id := range stored {
				b, _ := srv.Report(id)
				var doc struct {
					Facts struct {
						OS struct {
							Hostname  string `json:"hostname"`
							MachineID string `json:"machine_id"`
						} `json:"os"`
					} `json:"facts"`
				}
				if err := json.Unmarshal(b, &doc); err != nil || doc.Facts.OS.MachineID != fixtureMachineID {
					t.Errorf("stored report %s: os facts %+v (%v), want the fixture host's", id, doc.Facts.OS, err)
				}
				if !strings.Contains(stdout, "delivered 1 report(s): "+id) {
					t.Errorf("stdout %q does not name the delivered report", stdout)
				}
			}
			sp := spoolOf(t, stateDir)
			if got := pendingIDs(t, sp); len(got) != tt.wantPending {
				t.Errorf("spool holds %v, want %d report(s)", got, tt.wantPending)
			}
			rej, _ := sp.Rejected()
			if len(rej) != tt.wantRejected {
				t.Errorf("rejected/ holds %d report(s), want %d", len(rej), tt.wantRejected)
			}
			for _, e := range rej {
				reason, err := os.ReadFile(strings.TrimSuffix(e.Path, ".json") + spool.ReasonExt)
				if err != nil || !strings.Contains(string(reason), "413 too_large") {
					t.Errorf("reason %q (%v), want it to say 413 too_large", reason, err)
				}
			}
		})
	}
}

// TestRunOnceDeliversSpoolFirst: a report spooled while the server was
// down goes before the new one on the next run.
func TestRunOnceDeliversSpoolFirst(t *testing.T) {
	srv := testserver.Start(enrollSecretValue)
	defer srv.Close()
	stateDir, _ := enrolled(t, srv)
	srv.Fail(testserver.PathCheckin, testserver.Failure{Status: 503, Code: "unavailable"})
	srv.Fail(testserver.PathReports, testserver.Failure{Status: 503, Code: "unavailable"})
	if _, stderr, code := runOnce(t, stateDir); code != ExitSpooled {
		t.Fatalf("run with the server down: exit %d, want %d; stderr:\n%s", code, ExitSpooled, stderr)
	}
	spooled := pendingIDs(t, spoolOf(t, stateDir))
	if len(spooled) != 1 {
		t.Fatalf("spool holds %v, want one report", spooled)
	}
	stdout, stderr, code := runOnce(t, stateDir)
	if code != ExitOK {
		t.Fatalf("run with the server back: exit %d; stderr:\n%s", code, stderr)
	}
	stored := srv.Reports()
	if len(stored) != 2 || stored[0] != spooled[0] {
		t.Errorf("server stored %v, want the spooled %s first, then the new report", stored, spooled[0])
	}
	if !strings.Contains(stdout, "delivered 2 report(s)") {
		t.Errorf("stdout %q, want both reports counted", stdout)
	}
	if got := pendingIDs(t, spoolOf(t, stateDir)); len(got) != 0 {
		t.Errorf("spool still holds %v", got)
	}
}

// TestRunOnceDuplicateNotResent: a spooled report the server already holds
// is answered "duplicate", counts as delivered and is not sent again.
func TestRunOnceDuplicateNotResent(t *testing.T) {
	srv := testserver.Start(enrollSecretValue)
	defer srv.Close()
	stateDir, _ := enrolled(t, srv)
	st, _ := state.Open(stateDir)
	creds, err := st.Credentials()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"schema_version":1,"report_id":"0123456789abcdef0123456789abcdef","collected_at":"2026-11-19T02:00:00Z","facts":{}}`)
	c, err := client.New(client.Config{URL: creds.ServerURL, Token: creds.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Submit(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	// As if the answer had been lost: the agent still has it spooled.
	at := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	if err := spoolOf(t, stateDir).Put(spool.Report{ID: "0123456789abcdef0123456789abcdef", CollectedAt: at, Body: body}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, stderr, code := runOnce(t, stateDir); code != ExitOK {
			t.Fatalf("run %d: exit %d; stderr:\n%s", i+1, code, stderr)
		}
	}
	attempts := srv.Attempts()
	n := 0
	for _, id := range attempts {
		if id == "0123456789abcdef0123456789abcdef" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("the report reached the server %d times (%v), want 2: the first delivery and one duplicate", n, attempts)
	}
	if stored := srv.Reports(); len(stored) != 3 || !slices.Contains(stored, "0123456789abcdef0123456789abcdef") {
		t.Errorf("server stored %v, want the first report once and the two new ones", stored)
	}
	if got := pendingIDs(t, spoolOf(t, stateDir)); len(got) != 0 {
		t.Errorf("spool still holds %v", got)
	}
}
