package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/internal/tamper"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// entriesOf returns the audit entries recorded for request reqID, oldest
// first.
func (e *env) entriesOf(reqID string) []auditlog.Entry {
	e.t.Helper()
	var out []auditlog.Entry
	for en, err := range e.api.Audit.Entries(context.Background(), testNow.Add(-time.Hour), testNow.Add(time.Hour)) {
		if err != nil {
			e.t.Fatal(err)
		}
		if en.RequestID == reqID {
			out = append(out, en)
		}
	}
	return out
}

// TestAuditOutcomes checks each audited request is recorded with the
// outcome and status it really ended with, and a change also with its
// intent before it.
func TestAuditOutcomes(t *testing.T) {
	e := newEnv(t)
	hostID, token := e.enroll("web-1", "machine-web-1")
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: report(t, "debian12-lts", nil)}); code != http.StatusCreated {
		t.Fatalf("report: %d %v", code, m)
	}
	unknown := "h_00000000000000000000"
	tests := []struct {
		name     string
		r        req
		status   int
		outcomes []string // of the request's entries, in order
	}{
		{"read", req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results", token: e.tokens[auth.Assurance], justification: "j"}, 200, []string{"ok"}},
		{"read of an unknown host", req{method: "GET", path: "/api/v1/hosts/" + unknown + "/results", token: e.tokens[auth.Assurance], justification: "j"}, 404, []string{"error"}},
		{"read with a bad host ID", req{method: "GET", path: "/api/v1/hosts/nope/facts", token: e.tokens[auth.Operator], justification: "j"}, 400, []string{"error"}},
		{"audit log with a bad date", req{method: "GET", path: "/api/v1/audit?from=yesterday", token: e.tokens[auth.Admin], justification: "j"}, 400, []string{"error"}},
		{"read without justification", req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results", token: e.tokens[auth.Assurance]}, 428, []string{"error"}},
		{"read by a role without it", req{method: "GET", path: "/api/v1/hosts/" + hostID + "/facts", token: e.tokens[auth.Assurance], justification: "j"}, 403, []string{"denied"}},
		{"change", req{method: "POST", path: "/api/v1/hosts/" + hostID + "/revoke", token: e.tokens[auth.Operator], justification: "j"}, 200, []string{"started", "ok"}},
		{"change of an unknown host", req{method: "POST", path: "/api/v1/hosts/" + unknown + "/revoke", token: e.tokens[auth.Operator], justification: "j"}, 404, []string{"started", "error"}},
		{"change refused", req{method: "POST", path: "/api/v1/hosts/" + hostID + "/revoke", token: e.tokens[auth.Operator], justification: "j"}, 409, []string{"started", "error"}},
		{"bad organisation data", req{method: "PUT", path: "/api/v1/org/thresholds", token: e.tokens[auth.Operator], justification: "j", contentType: "application/yaml", body: []byte("{{{")}, 422, []string{"started", "error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, h := e.do(tt.r)
			if code != tt.status {
				t.Fatalf("status %d %v, want %d", code, m, tt.status)
			}
			got := e.entriesOf(h.Get("X-Request-Id"))
			if len(got) != len(tt.outcomes) {
				t.Fatalf("%d entries %+v, want %d", len(got), got, len(tt.outcomes))
			}
			for i, en := range got {
				if en.Outcome != tt.outcomes[i] {
					t.Errorf("entry %d outcome %q, want %q", i, en.Outcome, tt.outcomes[i])
				}
				if last := i == len(got)-1; last && en.Status != tt.status {
					t.Errorf("entry %d status %d, want %d", i, en.Status, tt.status)
				}
				if !strings.Contains(en.Object, tt.r.path) {
					t.Errorf("entry %d object %q, want the path", i, en.Object)
				}
			}
		})
	}
}

// failingAudit fails every Put of an audit entry.
type failingAudit struct{ store.Backend }

func (s failingAudit) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error) {
	if strings.HasPrefix(key, objkey.AuditPrefix) {
		return store.Object{}, errors.New("injected failure")
	}
	return s.Backend.Put(ctx, key, r, size, opts)
}

// TestNoAccessWithoutRecord checks that when the audit log cannot be
// written, a read answers 500 without its data and a change is not made.
func TestNoAccessWithoutRecord(t *testing.T) {
	e := newEnv(t)
	hostID, token := e.enroll("web-1", "machine-web-1")
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: report(t, "debian12-lts", nil)}); code != http.StatusCreated {
		t.Fatalf("report: %d %v", code, m)
	}
	e.api.Audit = &auditlog.Log{Store: failingAudit{e.store}, Now: e.api.Now}
	code, m, _ := e.do(req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results", token: e.tokens[auth.Assurance], justification: "j"})
	if code != http.StatusInternalServerError || m["error"] == nil || len(m) != 1 {
		t.Errorf("unlogged read: %d %v, want 500 with only an error", code, m)
	}
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/hosts/" + hostID + "/revoke", token: e.tokens[auth.Operator], justification: "j"}); code != http.StatusInternalServerError {
		t.Errorf("unlogged change: %d %v, want 500", code, m)
	}
	if _, m, _ := e.do(req{method: "GET", path: "/api/v1/hosts/" + hostID, token: e.tokens[auth.Assurance]}); m["state"] != "active" {
		t.Errorf("host after an unlogged revoke: %v, want it still active", m)
	}
}

// TestAuditListsBadEntries checks a corrupt or altered entry is listed
// under problems while the day's other entries are still served.
func TestAuditListsBadEntries(t *testing.T) {
	e := newEnv(t)
	admin := req{method: "GET", path: "/api/v1/audit", token: e.tokens[auth.Admin], justification: "j"}
	for range 3 {
		if code, m, _ := e.do(admin); code != http.StatusOK {
			t.Fatalf("%d %v", code, m)
		}
	}
	keys := auditKeys(t, e.store)
	tm := tamper.Dir(e.store.(*dirstore.Store).Dir())
	if err := tm.Rewrite(context.Background(), keys[1], []byte("{broken")); err != nil {
		t.Fatal(err)
	}
	code, m, _ := e.do(admin)
	if code != http.StatusOK {
		t.Fatalf("audit log with a corrupt entry: %d %v, want 200", code, m)
	}
	problems, _ := m["problems"].([]any)
	entries, _ := m["entries"].([]any)
	if len(problems) != 1 || problems[0].(map[string]any)["kind"] != auditlog.Corrupt || problems[0].(map[string]any)["key"] != keys[1] {
		t.Errorf("problems = %v, want the corrupt %s", problems, keys[1])
	}
	if len(entries) != 2 {
		t.Errorf("%d entries, want the 2 others", len(entries))
	}
}

// auditKeys lists the audit log's keys in order.
func auditKeys(t *testing.T, st store.Backend) []string {
	t.Helper()
	var keys []string
	for o, err := range st.List(context.Background(), objkey.AuditPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}

func TestAuditVerify(t *testing.T) {
	e := newEnv(t)
	verify := req{method: "GET", path: "/api/v1/audit/verify", token: e.tokens[auth.Admin], justification: "check"}
	for range 3 {
		if code, m, _ := e.do(verify); code != http.StatusOK || m["ok"] != true {
			t.Fatalf("verify of an intact log: %d %v", code, m)
		}
	}
	if code, _, _ := e.do(req{method: "GET", path: "/api/v1/audit/verify", token: e.tokens[auth.Operator], justification: "check"}); code != http.StatusForbidden {
		t.Errorf("operator verifying: %d, want 403", code)
	}
	keys := auditKeys(t, e.store)
	if len(keys) != 4 {
		t.Fatalf("%d entries, want one per verification and the denial: %q", len(keys), keys)
	}
	if err := e.store.Delete(context.Background(), keys[1]); err != nil {
		t.Fatal(err)
	}
	code, m, h := e.do(verify)
	if code != http.StatusOK || m["ok"] != false {
		t.Fatalf("verify after a deletion: %d %v, want 200 with ok false", code, m)
	}
	problems, _ := m["problems"].([]any)
	if len(problems) != 1 || problems[0].(map[string]any)["kind"] != auditlog.Missing || problems[0].(map[string]any)["seq"] != float64(2) {
		t.Errorf("problems = %v, want entry 2 missing", problems)
	}
	if got := e.entriesOf(h.Get("X-Request-Id")); len(got) != 1 || got[0].Object != "GET /api/v1/audit/verify" || got[0].Outcome != auditlog.OK {
		t.Errorf("verification recorded as %+v, want one ok entry", got)
	}
	if code, m, _ := e.do(req{method: "GET", path: "/api/v1/audit/verify?from=2026-01-01", token: e.tokens[auth.Admin], justification: "check"}); code != http.StatusBadRequest {
		t.Errorf("verify of 300 days: %d %v, want 400", code, m)
	}
}
