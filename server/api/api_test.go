package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/schemas"
	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/cycle"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/org"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// testNow is the fixed time of the API tests.
var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// env is a server on a real directory store with people of every role.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	store  store.Backend
	tokens map[auth.Role]string
	secret string // an enroll secret
	api    *Server
}

func newEnv(t *testing.T) *env { return newEnvWrapped(t, nil) }

// newEnvWrapped is newEnv with the store seen through wrap (nil: as is),
// for tests that delay or fail storage operations.
func newEnvWrapped(t *testing.T, wrap func(store.Backend) store.Backend) *env {
	t.Helper()
	ctx := context.Background()
	var st store.Backend
	st, err := dirstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		st = wrap(st)
	}
	now := func() time.Time { return testNow }
	engine, err := opa.New(ctx, policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sched, err := cycle.Parse("0 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range engine.Controls() {
		ids = append(ids, c.ID)
	}
	orgs := &org.Org{Store: st, Now: now, Controls: ids, NewEngine: func(ctx context.Context, doc map[string]any) (*opa.Engine, error) {
		return opa.New(ctx, policies.FS, opa.Options{Org: doc})
	}}
	tokens := &auth.Tokens{Store: st, Now: now}
	reg := &registry.Registry{Store: st, Tokens: tokens, Now: now}
	s := &Server{
		Store: st, Tokens: tokens, Registry: reg,
		Ingest:   &ingest.Ingester{Store: st, Policies: orgs.Current, Now: now, ValidateFacts: schemas.Validate, Next: sched.Next},
		Closer:   &cycle.Closer{Store: st, Hosts: reg, Schedule: sched, Controls: engine.Controls(), Now: now},
		Audit:    &auditlog.Log{Store: st, Now: now},
		Schedule: sched, Now: now, PolicyRevision: engine.Revision(), Org: orgs,
		Config: Config{MaxReportBytes: 256 << 10, RequireJustification: true, JitterSeconds: 60, ReportsPerMinute: 60, ReportBurst: 20},
	}
	e := &env{t: t, store: st, tokens: map[auth.Role]string{}, api: s}
	for _, role := range []auth.Role{auth.Admin, auth.Operator, auth.Assurance} {
		secret, _, err := tokens.Issue(ctx, auth.Principal{Kind: "person", ID: string(role) + "-person", Role: role}, auth.PersonTokenPrefix, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = secret
	}
	if e.secret, err = reg.CreateEnrollSecret(ctx, "test", nil); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// req is one HTTP request of a test.
type req struct {
	method, path, token, contentType, justification string
	body                                            []byte
}

func (e *env) do(r req) (int, map[string]any, http.Header) {
	e.t.Helper()
	hr, err := http.NewRequest(r.method, e.srv.URL+r.path, bytes.NewReader(r.body))
	if err != nil {
		e.t.Fatal(err)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	ct := r.contentType
	if ct == "" && r.body != nil {
		ct = "application/json"
	}
	if ct != "-" && ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	if r.justification != "" {
		hr.Header.Set("X-Justification", r.justification)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m, resp.Header
}

// enroll enrolls a host and returns its ID and token.
func (e *env) enroll(hostname, machineID string) (string, string) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"hostname": hostname, "machine_id": machineID, "os": "Debian GNU/Linux 12 (bookworm)", "agent_version": "test"})
	code, m, _ := e.do(req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: body})
	if code != http.StatusCreated {
		e.t.Fatalf("enroll %s: %d %v", hostname, code, m)
	}
	return m["host_id"].(string), m["token"].(string)
}

// report reads a fixture report and gives it a fresh report ID.
func report(t *testing.T, name string, mutate func(map[string]any)) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["report_id"] = fmt.Sprintf("%032x", time.Now().UnixNano())
	m["collected_at"] = testNow.Add(-time.Minute).Format(time.RFC3339)
	if mutate != nil {
		mutate(m)
	}
	out, _ := json.Marshal(m)
	return out
}

// snapshot lists every object key outside the audit log with its checksum.
func (e *env) snapshot() map[string]string {
	e.t.Helper()
	m := map[string]string{}
	for o, err := range e.store.List(context.Background(), "") {
		if err != nil {
			e.t.Fatal(err)
		}
		if strings.HasPrefix(o.Key, "audit/") {
			continue
		}
		st, err := e.store.Stat(context.Background(), o.Key)
		if err != nil {
			e.t.Fatal(err)
		}
		m[o.Key] = st.SHA256
	}
	return m
}

func diff(a, b map[string]string) []string {
	var d []string
	for k, v := range a {
		if b[k] != v {
			d = append(d, "changed or removed "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			d = append(d, "added "+k)
		}
	}
	sort.Strings(d)
	return d
}

func TestReportRoundTrip(t *testing.T) {
	e := newEnv(t)
	hostID, token := e.enroll("debian12", "machine-1")
	code, m, _ := e.do(req{method: "POST", path: "/api/v1/checkin", token: token, body: []byte(`{}`)})
	if code != http.StatusOK || m["cycle_id"] != "2026-11-20T0200Z" {
		t.Fatalf("checkin = %d %v, want 200 with cycle 2026-11-20T0200Z", code, m)
	}
	body := report(t, "debian12-lts", nil)
	code, m, _ = e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: body})
	if code != http.StatusCreated {
		t.Fatalf("report = %d %v, want 201", code, m)
	}
	before := e.snapshot()
	code, m, _ = e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: body})
	if code != http.StatusOK || m["duplicate"] != true {
		t.Fatalf("same report again = %d %v, want 200 duplicate", code, m)
	}
	if d := diff(before, e.snapshot()); len(d) != 0 {
		t.Errorf("a replayed report changed the bucket: %v", d)
	}
	code, m, _ = e.do(req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results", token: e.tokens[auth.Assurance], justification: "quarterly assurance review"})
	if code != http.StatusOK {
		t.Fatalf("results = %d %v", code, m)
	}
	results, _ := m["results"].([]any)
	if len(results) == 0 {
		t.Fatalf("stored results have no results: %v", m)
	}
	statuses := map[string]string{}
	for _, r := range results {
		r := r.(map[string]any)
		statuses[r["control_id"].(string)] = r["status"].(string)
	}
	if statuses["ICO-SEC-01"] != "pass" || statuses["ICO-ACC-03"] != "pass" {
		t.Errorf("statuses %v, want ICO-SEC-01 and ICO-ACC-03 pass for Debian 12", statuses)
	}
}
