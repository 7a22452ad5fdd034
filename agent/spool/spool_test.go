package spool

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/internal/testserver"
)

var t0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

// report returns a valid facts document with the given ID, collected
// minutes after t0, padded to at least size bytes.
func report(id string, minutes, size int) Report {
	pad := ""
	if size > 0 {
		pad = strings.Repeat("x", size)
	}
	at := t0.Add(time.Duration(minutes) * time.Minute)
	body := fmt.Sprintf(`{"schema_version":1,"report_id":%q,"collected_at":%q,"facts":{"pad":%q}}`, id, at.Format(time.RFC3339), pad)
	return Report{ID: id, CollectedAt: at, Body: []byte(body)}
}

func ids(ents []Entry) []string {
	var out []string
	for _, e := range ents {
		out = append(out, e.ID)
	}
	return out
}

func TestDeliver(t *testing.T) {
	down := testserver.Failure{Status: 0}
	unavailable := testserver.Failure{Status: 503, Code: "unavailable"}
	tooLarge := testserver.Failure{Status: 413, Code: "too_large"}
	tests := []struct {
		name        string
		spooled     []Report // in the spool before
		onServer    []string // report IDs the server already holds
		fail        []testserver.Failure
		revoke      bool
		ctxCanceled bool
		lim         Limits
		report      Report

		wantStored    []string // report IDs the server holds afterwards, in order
		wantDelivered []string
		wantRejected  []string
		wantSpooled   []string
		wantPending   []string // left in the spool
		wantStopped   bool
		wantLog       string // must appear in the log
	}{
		{
			name:       "nothing spooled, server up",
			report:     report("new", 90, 0),
			wantStored: []string{"new"}, wantDelivered: []string{"new"},
		},
		{
			name:       "spooled reports go first, oldest first",
			spooled:    []Report{report("b", 20, 0), report("a", 10, 0)},
			report:     report("new", 90, 0),
			wantStored: []string{"a", "b", "new"}, wantDelivered: []string{"a", "b", "new"},
		},
		{
			name:        "server down: report spooled",
			fail:        []testserver.Failure{down},
			report:      report("new", 90, 0),
			wantSpooled: []string{"new"}, wantPending: []string{"new"}, wantStopped: true,
			wantLog: "spooling",
		},
		{
			name:        "server down while the spool drains: the new report waits behind the old",
			spooled:     []Report{report("a", 10, 0), report("b", 20, 0)},
			fail:        []testserver.Failure{down},
			report:      report("new", 90, 0),
			wantSpooled: []string{"new"}, wantPending: []string{"a", "b", "new"}, wantStopped: true,
		},
		{
			name:       "server fails midway: delivered ones leave the spool",
			spooled:    []Report{report("a", 10, 0), report("b", 20, 0)},
			fail:       []testserver.Failure{testserver.Pass, unavailable},
			report:     report("new", 90, 0),
			wantStored: []string{"a"}, wantDelivered: []string{"a"}, wantSpooled: []string{"new"}, wantPending: []string{"b", "new"}, wantStopped: true,
		},
		{
			name:       "duplicate counts as delivered and is not resent",
			spooled:    []Report{report("a", 10, 0)},
			onServer:   []string{"a"},
			report:     report("new", 90, 0),
			wantStored: []string{"a", "new"}, wantDelivered: []string{"a", "new"},
			wantLog: "duplicate=true",
		},
		{
			name:       "spooled report refused: moved to rejected, the rest goes on",
			spooled:    []Report{report("a", 10, 0), report("b", 20, 0)},
			fail:       []testserver.Failure{tooLarge},
			report:     report("new", 90, 0),
			wantStored: []string{"b", "new"}, wantDelivered: []string{"b", "new"}, wantRejected: []string{"a"},
			wantLog: "moved to rejected/",
		},
		{
			name:         "new report refused: kept in rejected",
			fail:         []testserver.Failure{tooLarge},
			report:       report("new", 90, 0),
			wantRejected: []string{"new"},
			wantLog:      "kept in rejected/",
		},
		{
			name:        "rate limited: spooled",
			fail:        []testserver.Failure{{Status: 429, Code: "rate_limited", RetryAfter: "30"}},
			report:      report("new", 90, 0),
			wantSpooled: []string{"new"}, wantPending: []string{"new"}, wantStopped: true,
		},
		{
			name:        "revoked token: reports wait for re-enrollment",
			spooled:     []Report{report("a", 10, 0)},
			revoke:      true,
			report:      report("new", 90, 0),
			wantSpooled: []string{"new"}, wantPending: []string{"a", "new"}, wantStopped: true,
		},
		{
			name:        "agent stopping: report spooled",
			ctxCanceled: true,
			report:      report("new", 90, 0),
			wantSpooled: []string{"new"}, wantPending: []string{"new"}, wantStopped: true,
		},
		{
			name:        "spool full by count: oldest dropped with a warning",
			spooled:     []Report{report("a", 10, 0), report("b", 20, 0)},
			fail:        []testserver.Failure{down},
			lim:         Limits{MaxFiles: 2},
			report:      report("new", 90, 0),
			wantSpooled: []string{"new"}, wantPending: []string{"b", "new"}, wantStopped: true,
			wantLog: "dropped the oldest undelivered report",
		},
		{
			name:        "spool full by bytes: oldest dropped until it fits",
			spooled:     []Report{report("a", 10, 300), report("b", 20, 300), report("c", 30, 300)},
			fail:        []testserver.Failure{down},
			lim:         Limits{MaxBytes: 1200},
			report:      report("new", 90, 300),
			wantSpooled: []string{"new"}, wantPending: []string{"b", "c", "new"}, wantStopped: true,
			wantLog: "report_id=a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testserver.Start("aes_x")
			defer srv.Close()
			hostID, token := srv.Enroll("m1")
			c, err := client.New(client.Config{URL: srv.URL, Token: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tt.onServer {
				if _, err := c.Submit(context.Background(), report(id, 10, 0).Body); err != nil {
					t.Fatal(err)
				}
			}
			var logs bytes.Buffer
			sp, err := Open(filepath.Join(t.TempDir(), "spool"), tt.lim, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tt.spooled {
				if err := sp.Put(r); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.ctxCanceled {
				cancel()
			}
			if tt.revoke {
				srv.Revoke(hostID)
			}
			srv.Fail(testserver.PathReports, tt.fail...)
			res, err := sp.Deliver(ctx, c, tt.report)
			if err != nil {
				t.Fatalf("Deliver = %v", err)
			}
			if got := srv.Reports(); !slices.Equal(got, tt.wantStored) {
				t.Errorf("server stored %v, want %v", got, tt.wantStored)
			}
			for _, id := range tt.wantDelivered {
				if n := count(srv.Attempts(), id); n != 1+count(tt.onServer, id) {
					t.Errorf("report %s submitted %d times in all, want once more than before", id, n)
				}
			}
			check := func(what string, got, want []string) {
				t.Helper()
				if !slices.Equal(got, want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("Result.Delivered", res.Delivered, tt.wantDelivered)
			check("Result.Rejected", res.Rejected, tt.wantRejected)
			check("Result.Spooled", res.Spooled, tt.wantSpooled)
			if res.Pending != len(tt.wantPending) {
				t.Errorf("Result.Pending = %d, want %d", res.Pending, len(tt.wantPending))
			}
			if (res.Stopped != nil) != tt.wantStopped {
				t.Errorf("Result.Stopped = %v, want set: %v", res.Stopped, tt.wantStopped)
			}
			pending, err := sp.Pending()
			if err != nil {
				t.Fatal(err)
			}
			check("spool", ids(pending), tt.wantPending)
			rejected, err := sp.Rejected()
			if err != nil {
				t.Fatal(err)
			}
			check("rejected/", ids(rejected), tt.wantRejected)
			for _, e := range rejected {
				reason, err := os.ReadFile(strings.TrimSuffix(e.Path, ".json") + ReasonExt)
				if err != nil || !strings.Contains(string(reason), "413") {
					t.Errorf("reason for %s = %q, %v; want it to give the status 413", e.ID, reason, err)
				}
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, logs.String())
			}
			if strings.Contains(logs.String(), token) {
				t.Errorf("log contains the host token:\n%s", logs.String())
			}
		})
	}
}

func count(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// TestFlushSendsExactBytes checks that a spooled report reaches the server
// byte for byte, and leaves the spool once stored.
func TestFlushSendsExactBytes(t *testing.T) {
	srv := testserver.Start("aes_x")
	defer srv.Close()
	_, token := srv.Enroll("m1")
	c, err := client.New(client.Config{URL: srv.URL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Open(t.TempDir(), Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := report("a", 10, 0)
	r.Body = append([]byte("  "), r.Body...) // not canonical JSON: must not be re-encoded
	srv.Fail(testserver.PathReports, testserver.Failure{Status: 500, Code: "internal"})
	res, err := sp.Deliver(context.Background(), c, r)
	if err != nil || res.Pending != 1 {
		t.Fatalf("Deliver with the server failing = %+v, %v; want the report spooled", res, err)
	}
	res, err = sp.Flush(context.Background(), c)
	if err != nil || !slices.Equal(res.Delivered, []string{"a"}) || res.Pending != 0 || res.Stopped != nil {
		t.Fatalf("Flush = %+v, %v; want a delivered and the spool empty", res, err)
	}
	if got, _ := srv.Report("a"); !bytes.Equal(got, r.Body) {
		t.Errorf("server received %q, want %q", got, r.Body)
	}
}

func TestPutAndList(t *testing.T) {
	dir := t.TempDir()
	// Leftovers of a crash, a write in progress and files that are not
	// reports.
	for _, name := range []string{".tmp-x.json-123", ".tmp-y.json-456", "notes.txt", "20261120T020000.000000000Z_bad id.json", "garbage_a.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, ".tmp-x.json-123"), old, old); err != nil {
		t.Fatal(err)
	}
	sp, err := Open(dir, Limits{MaxBytes: 1000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tmp-x.json-123")); !os.IsNotExist(err) {
		t.Errorf("Open left the stale temporary file behind (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tmp-y.json-456")); err != nil {
		t.Errorf("Open removed a fresh temporary file, maybe another process's write: %v", err)
	}
	// Same collection time: ordered by ID.
	for _, r := range []Report{report("c", 30, 0), report("b", 10, 0), report("a", 10, 0)} {
		if err := sp.Put(r); err != nil {
			t.Fatalf("Put(%s) = %v", r.ID, err)
		}
	}
	ents, err := sp.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ents); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Pending() = %v, want [a b c]", got)
	}
	if !ents[2].CollectedAt.Equal(t0.Add(30*time.Minute)) || ents[2].Size == 0 {
		t.Errorf("Pending()[2] = %+v, want collected at t0+30m with a size", ents[2])
	}
	for _, e := range ents {
		fi, err := os.Stat(e.Path)
		if err != nil || (fi.Mode().Perm()&0o077 != 0 && os.PathSeparator == '/') {
			t.Errorf("%s: mode %v (%v), want private to the agent", e.Path, fi.Mode().Perm(), err)
		}
	}

	tests := []struct {
		name string
		r    Report
		want string
	}{
		{"unsafe ID", Report{ID: "../../etc/passwd", CollectedAt: t0, Body: []byte("{}")}, "not safe"},
		{"empty ID", Report{ID: "", CollectedAt: t0, Body: []byte("{}")}, "not safe"},
		{"larger than the spool", report("big", 40, 2000), "over the spool limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := sp.Put(tt.r); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Put(%s) = %v, want an error mentioning %q", tt.r.ID, err, tt.want)
			}
			if ents, _ := sp.Pending(); len(ents) != 3 {
				t.Errorf("after a refused Put the spool holds %v, want the 3 reports untouched", ids(ents))
			}
		})
	}
}

func TestRejectedBounded(t *testing.T) {
	var logs bytes.Buffer
	sp, err := Open(t.TempDir(), Limits{MaxFiles: 2}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"a", "b", "c"} {
		if err := sp.RejectReport(report(id, i, 0), "test reason "+id); err != nil {
			t.Fatal(err)
		}
	}
	rej, err := sp.Rejected()
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(rej); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("Rejected() = %v, want [b c]", got)
	}
	files, _ := filepath.Glob(filepath.Join(sp.Dir(), RejectedDir, "*"+ReasonExt))
	if len(files) != 2 {
		t.Errorf("reason files %v, want one per kept report", files)
	}
	if !strings.Contains(logs.String(), "dropped the oldest rejected report") {
		t.Errorf("log lacks the warning about the dropped report:\n%s", logs.String())
	}
}
