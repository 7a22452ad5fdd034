package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/store"
)

// gatedStore holds back Puts of keys under prefix until open is closed,
// telling reached when the first one arrives.
type gatedStore struct {
	store.Backend
	prefix  string
	reached chan struct{}
	open    chan struct{}
	once    sync.Once
}

func (g *gatedStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error) {
	if strings.HasPrefix(key, g.prefix) {
		g.once.Do(func() { close(g.reached) })
		<-g.open
	}
	return g.Backend.Put(ctx, key, r, size, opts)
}

// TestInFlightReportOfErasedHost decommissions (or revokes) a host while
// its report is being stored: the report must be refused and leave
// nothing of the host behind (finding 1 of issue 11).
func TestInFlightReportOfErasedHost(t *testing.T) {
	for _, tc := range []struct {
		name, method, path string
		role               auth.Role
	}{
		{"decommission", "DELETE", "", auth.Admin},
		{"revoke", "POST", "/revoke", auth.Operator},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gate := &gatedStore{prefix: "results/", reached: make(chan struct{}), open: make(chan struct{})}
			e := newEnvWrapped(t, func(b store.Backend) store.Backend { gate.Backend = b; return gate })
			hostID, token := e.enroll("web-1", "machine-1")
			before := e.snapshot()

			type answer struct {
				code int
				body map[string]any
			}
			done := make(chan answer, 1)
			body := report(t, "debian12-lts", nil)
			go func() {
				code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: body})
				done <- answer{code, m}
			}()
			select {
			case <-gate.reached: // facts stored, results about to be
			case a := <-done:
				t.Fatalf("report answered %d %v before storing its results", a.code, a.body)
			}
			code, m, _ := e.do(req{method: tc.method, path: "/api/v1/hosts/" + hostID + tc.path, token: e.tokens[tc.role], justification: "host retired"})
			if code != http.StatusOK {
				t.Fatalf("%s = %d %v", tc.name, code, m)
			}
			close(gate.open)
			a := <-done
			if a.code != http.StatusForbidden {
				t.Errorf("in-flight report = %d %v, want 403 host_inactive", a.code, a.body)
			}
			after := e.snapshot()
			for _, d := range diff(before, after) {
				if strings.Contains(d, "facts/") || strings.Contains(d, "results/") {
					t.Errorf("report of a %s host left %s", tc.name, d)
				}
			}
		})
	}
}

// send posts a report and returns the status and answer.
func (e *env) send(token string, body []byte) (int, map[string]any) {
	e.t.Helper()
	code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: body})
	return code, m
}

// TestLatestByCollectionTime sends two reports in one cycle, the later
// collected with the smaller report ID: the host's results are the later
// collected (finding 2 of issue 11: before, the greatest report ID won,
// which the host chooses).
func TestLatestByCollectionTime(t *testing.T) {
	e := newEnv(t)
	hostID, token := e.enroll("web-1", "machine-1")
	at := func(id string, age time.Duration) []byte {
		return report(t, "debian12-lts", func(m map[string]any) {
			m["report_id"] = id
			m["collected_at"] = testNow.Add(-age).Format(time.RFC3339)
		})
	}
	newer, older := strings.Repeat("0", 31)+"1", strings.Repeat("f", 32)
	for _, b := range [][]byte{at(newer, time.Minute), at(older, time.Hour)} {
		if code, m := e.send(token, b); code != http.StatusCreated {
			t.Fatalf("report = %d %v", code, m)
		}
	}
	for _, what := range []string{"results", "facts"} {
		code, m, _ := e.do(req{method: "GET", path: "/api/v1/hosts/" + hostID + "/" + what, token: e.tokens[auth.Admin], justification: "review"})
		if code != http.StatusOK || m["report_id"] != newer {
			t.Errorf("GET %s = %d, report %v; want the later collected %s", what, code, m["report_id"], newer)
		}
	}
}

// TestReportAfterCloseGoesToOpenCycle closes the current cycle early and
// then sends a report: it is filed in the next cycle and scored there,
// never stored unscored in the closed one (finding 5 of issue 11).
func TestReportAfterCloseGoesToOpenCycle(t *testing.T) {
	e := newEnv(t)
	_, token := e.enroll("web-1", "machine-1")
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/cycles/close", token: e.tokens[auth.Admin], justification: "early close", body: []byte(`{}`)}); code != http.StatusOK {
		t.Fatalf("close = %d %v", code, m)
	}
	code, m := e.send(token, report(t, "debian12-lts", nil))
	if code != http.StatusCreated || m["cycle_id"] != "2026-11-21T0200Z" {
		t.Fatalf("report after close = %d %v; want 201 in the next cycle 2026-11-21T0200Z", code, m)
	}
	for k := range e.snapshot() {
		if strings.HasPrefix(k, "results/2026-11-20T0200Z/") || strings.HasPrefix(k, "facts/2026-11-20T0200Z/") {
			t.Errorf("report stored in the closed cycle: %s", k)
		}
	}
}

// TestCloseWaitsForReportInFlight starts closing the cycle while a report
// is being stored in it: the close waits, and scores the report.
func TestCloseWaitsForReportInFlight(t *testing.T) {
	gate := &gatedStore{prefix: "results/", reached: make(chan struct{}), open: make(chan struct{})}
	e := newEnvWrapped(t, func(b store.Backend) store.Backend { gate.Backend = b; return gate })
	_, token := e.enroll("web-1", "machine-1")
	body := report(t, "debian12-lts", nil)
	sent := make(chan int, 1)
	go func() {
		code, _ := e.send(token, body)
		sent <- code
	}()
	<-gate.reached
	closed := make(chan map[string]any, 1)
	go func() {
		_, m, _ := e.do(req{method: "POST", path: "/api/v1/cycles/close", token: e.tokens[auth.Admin], justification: "close", body: []byte(`{}`)})
		closed <- m
	}()
	select {
	case m := <-closed:
		t.Fatalf("cycle closed while a report was still being stored: %v", m)
	case <-time.After(300 * time.Millisecond):
	}
	close(gate.open)
	if code := <-sent; code != http.StatusCreated {
		t.Fatalf("report = %d", code)
	}
	m := <-closed
	if m["reported_hosts"] != float64(1) {
		t.Errorf("closed cycle reported_hosts = %v, want 1 (the report in flight)", m["reported_hosts"])
	}
}

// TestCollectedAtWindow refuses reports collected too long ago or in the
// future, storing nothing (finding 5: 1970 was filed in the current cycle).
func TestCollectedAtWindow(t *testing.T) {
	e := newEnv(t)
	_, token := e.enroll("web-1", "machine-1")
	before := e.snapshot()
	for _, at := range []time.Time{time.Unix(0, 0), testNow.Add(-8 * 24 * time.Hour), testNow.Add(2 * time.Hour)} {
		code, m := e.send(token, report(t, "debian12-lts", func(m map[string]any) { m["collected_at"] = at.Format(time.RFC3339) }))
		if code != http.StatusBadRequest {
			t.Errorf("collected_at %s: %d %v, want 400", at.Format(time.RFC3339), code, m)
		}
	}
	if d := diff(before, e.snapshot()); len(d) > 0 {
		t.Errorf("refused reports changed the store: %v", d)
	}
}

// TestPendingSinceFromFirstReport sends two reports of a host with the
// same security update pending: the second's package lists were
// refreshed a day before it, but the first report, 20 days earlier,
// already showed the update pending. ICO-SEC-02 must count from the first
// report (the server's record) and say so (issue 9, item 3).
func TestPendingSinceFromFirstReport(t *testing.T) {
	e := newEnv(t)
	hostID, token := e.enroll("web-1", "machine-1")
	withPending := func(id string, collected, listDate time.Time) []byte {
		return report(t, "debian12-lts", func(m map[string]any) {
			m["report_id"] = id
			m["collected_at"] = collected.Format(time.RFC3339)
			m["facts"].(map[string]any)["patching"] = map[string]any{
				"manager": "apt", "index_refreshed": listDate.Format(time.RFC3339),
				"automatic_updates": map[string]any{"enabled": true, "mechanism": "unattended-upgrades", "source": "/etc/apt/apt.conf.d/20auto-upgrades", "last_run": listDate.Format(time.RFC3339)},
				"pending": []any{map[string]any{
					"package": "openssl", "installed_version": "3.0.14-1~deb12u2", "candidate_version": "3.0.15-1~deb12u1",
					"origin": "Debian-Security:12/stable-security", "advisories": []any{"DSA-5800-1"},
					"pending_since": listDate.Format(time.RFC3339), "pending_since_source": "Date of the security list",
				}},
			}
			m["collectors"].(map[string]any)["patching"] = map[string]any{"collector": "patching", "version": "0.1.0", "namespace": "patching", "schema_version": 1, "duration_ms": 5, "partial": false, "warnings": []any{}}
		})
	}
	first := testNow.Add(-20 * 24 * time.Hour)
	e.api.Ingest.MaxAge = 30 * 24 * time.Hour
	for _, b := range [][]byte{
		withPending(strings.Repeat("a", 32), first, first.Add(-time.Hour)),
		withPending(strings.Repeat("b", 32), testNow.Add(-time.Minute), testNow.Add(-24*time.Hour)),
	} {
		if code, m := e.send(token, b); code != http.StatusCreated {
			t.Fatalf("report = %d %v", code, m)
		}
	}
	code, m, _ := e.do(req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results", token: e.tokens[auth.Admin], justification: "review"})
	if code != http.StatusOK || m["report_id"] != strings.Repeat("b", 32) {
		t.Fatalf("results = %d %v", code, m["report_id"])
	}
	var sec02 map[string]any
	for _, r := range m["results"].([]any) {
		if r := r.(map[string]any); r["control_id"] == "ICO-SEC-02" {
			sec02 = r
		}
	}
	if sec02 == nil || sec02["status"] != "fail" {
		t.Fatalf("ICO-SEC-02 = %v, want fail: pending 20 days since the first report, over the 14-day window", sec02)
	}
	detail := fmt.Sprint(sec02["evidence"])
	if !strings.Contains(detail, "pending 20 days") || !strings.Contains(detail, "first seen pending in report "+strings.Repeat("a", 32)) {
		t.Errorf("ICO-SEC-02 evidence %s: want 20 days, from the first report", detail)
	}
}
