package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
)

// TestBadRequests sends requests that must be refused and checks each gets
// the right status and error code, and that nothing stored outside the
// audit log changes.
func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	hostID, token := e.enroll("web-1", "machine-web-1")
	_, revokedToken := e.enroll("old-1", "machine-old-1")
	// Revoke old-1.
	oldID := func() string {
		for h, err := range e.api.Registry.List(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			if h.Hostname == "old-1" {
				return h.ID.String()
			}
		}
		t.Fatal("old-1 not found")
		return ""
	}()
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/hosts/" + oldID + "/revoke", token: e.tokens[auth.Operator], justification: "left estate"}); code != http.StatusOK {
		t.Fatalf("revoke: %d %v", code, m)
	}
	good := report(t, "debian12-lts", nil)
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: good}); code != http.StatusCreated {
		t.Fatalf("first report: %d %v", code, m)
	}
	sameIDOtherContent := bytes.Replace(good, []byte(`"debian"`), []byte(`"ubuntu"`), 1)
	unknownHostToken, _ := auth.NewSecret(auth.HostTokenPrefix)
	assuranceReading := e.tokens[auth.Assurance]
	withField := func(k string, v any) []byte {
		return report(t, "debian12-lts", func(m map[string]any) { m[k] = v })
	}
	withFacts := func(ns string, v any) []byte {
		return report(t, "debian12-lts", func(m map[string]any) { m["facts"].(map[string]any)[ns] = v })
	}
	big := report(t, "debian12-lts", func(m map[string]any) {
		m["facts"].(map[string]any)["padding"] = map[string]any{"x": strings.Repeat("a", 300<<10)}
	})

	tests := []struct {
		name     string
		r        req
		wantCode int
		wantErr  string
	}{
		{"malformed JSON", req{method: "POST", path: "/api/v1/reports", token: token, body: []byte(`{"schema_version": 1,`)}, 400, "invalid_report"},
		{"not an object", req{method: "POST", path: "/api/v1/reports", token: token, body: []byte(`[1,2,3]`)}, 400, "invalid_report"},
		{"oversized body", req{method: "POST", path: "/api/v1/reports", token: token, body: big}, 413, "too_large"},
		{"wrong content type", req{method: "POST", path: "/api/v1/reports", token: token, body: good, contentType: "text/plain"}, 415, "unsupported_media_type"},
		{"no content type", req{method: "POST", path: "/api/v1/reports", token: token, body: good, contentType: "-"}, 415, "unsupported_media_type"},
		{"no token", req{method: "POST", path: "/api/v1/reports", body: good}, 401, "unauthenticated"},
		{"garbage token", req{method: "POST", path: "/api/v1/reports", token: "hello", body: good}, 401, "unauthenticated"},
		{"unknown host", req{method: "POST", path: "/api/v1/reports", token: unknownHostToken, body: good}, 401, "unauthenticated"},
		{"revoked token", req{method: "POST", path: "/api/v1/reports", token: revokedToken, body: good}, 401, "unauthenticated"},
		{"wrong role: person sends a report", req{method: "POST", path: "/api/v1/reports", token: e.tokens[auth.Admin], body: good}, 403, "forbidden"},
		{"wrong role: host reads results", req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results", token: token, justification: "x"}, 403, "forbidden"},
		{"wrong role: assurance decommissions", req{method: "DELETE", path: "/api/v1/hosts/" + hostID, token: assuranceReading, justification: "x"}, 403, "forbidden"},
		{"replayed report ID with other content", req{method: "POST", path: "/api/v1/reports", token: token, body: sameIDOtherContent}, 409, "conflict"},
		{"schema version", req{method: "POST", path: "/api/v1/reports", token: token, body: withField("schema_version", 99)}, 400, "invalid_report"},
		{"hostile report ID", req{method: "POST", path: "/api/v1/reports", token: token, body: withField("report_id", "../../hosts/x")}, 400, "invalid_report"},
		{"report from the future", req{method: "POST", path: "/api/v1/reports", token: token, body: withField("collected_at", testNow.Add(48*time.Hour).Format(time.RFC3339))}, 400, "invalid_report"},
		{"unknown top-level field", req{method: "POST", path: "/api/v1/reports", token: token, body: withField("extra", true)}, 400, "invalid_report"},
		{"bad namespace", req{method: "POST", path: "/api/v1/reports", token: token, body: withFacts("../os", map[string]any{})}, 400, "invalid_report"},
		{"facts failing the schema", req{method: "POST", path: "/api/v1/reports", token: token, body: withFacts("os", map[string]any{"id": 42})}, 422, "schema_violation"},
		{"accounts facts failing the schema", req{method: "POST", path: "/api/v1/reports", token: token, body: report(t, "debian12-lts", func(m map[string]any) {
			m["facts"].(map[string]any)["accounts"].(map[string]any)["users"] = "everyone"
		})}, 422, "schema_violation"},
		{"facts not an object", req{method: "POST", path: "/api/v1/reports", token: token, body: withFacts("os", []any{1})}, 400, "invalid_report"},
		{"trailing data", req{method: "POST", path: "/api/v1/reports", token: token, body: append(append([]byte{}, good...), []byte(` {}`)...)}, 400, "invalid_report"},
		{"hostile host ID in path", req{method: "GET", path: "/api/v1/hosts/..%2F..%2Fauth/results", token: assuranceReading, justification: "x"}, 400, "bad_request"},
		{"host ID with a slash", req{method: "GET", path: "/api/v1/hosts/a/b", token: assuranceReading}, 404, "not_found"},
		{"hostile cycle ID", req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results?cycle=../../auth", token: assuranceReading, justification: "x"}, 400, "bad_request"},
		{"unknown host in path", req{method: "GET", path: "/api/v1/hosts/h_0123456789abcdef0123", token: assuranceReading}, 404, "not_found"},
		{"audited read without justification", req{method: "GET", path: "/api/v1/hosts/" + hostID + "/results", token: assuranceReading}, 428, "justification_required"},
		{"enroll with a bad secret", req{method: "POST", path: "/api/v1/enroll", token: "aes_nope", body: []byte(`{"hostname":"x","machine_id":"y"}`)}, 401, "unauthenticated"},
		{"enroll with a host token", req{method: "POST", path: "/api/v1/enroll", token: token, body: []byte(`{"hostname":"x","machine_id":"y"}`)}, 401, "unauthenticated"},
		{"enroll without hostname", req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: []byte(`{"machine_id":"y"}`)}, 400, "bad_request"},
		{"enroll with control characters", req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: []byte(`{"hostname":"x\u0000y","machine_id":"y"}`)}, 400, "bad_request"},
		{"enroll with unknown field", req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: []byte(`{"hostname":"x","machine_id":"y","admin":true}`)}, 400, "invalid_json"},
		{"enroll body too large", req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: []byte(`{"hostname":"` + strings.Repeat("x", 70<<10) + `","machine_id":"y"}`)}, 413, "too_large"},
		{"re-enroll a revoked machine", req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: []byte(`{"hostname":"old-1","machine_id":"machine-old-1"}`)}, 403, "forbidden"},
		{"unknown route", req{method: "GET", path: "/api/v1/nothing", token: assuranceReading}, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot()
			code, m, _ := e.do(tt.r)
			if code != tt.wantCode {
				t.Errorf("%s %s = %d %v, want %d", tt.r.method, tt.r.path, code, m, tt.wantCode)
			}
			errBody, _ := m["error"].(map[string]any)
			if errBody == nil || errBody["code"] != tt.wantErr || errBody["message"] == "" {
				t.Errorf("error body %v, want code %q and a message", m, tt.wantErr)
			}
			if d := diff(before, e.snapshot()); len(d) != 0 {
				t.Errorf("the bucket changed: %v", d)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t)
	e.api.limit = newLimiter(1, 2, func() time.Time { return testNow })
	_, token := e.enroll("web-1", "machine-web-1")
	var last int
	var hdr http.Header
	for range 3 {
		last, _, hdr = e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: report(t, "debian12-lts", nil)})
	}
	if last != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Fatalf("third report in a burst of 2 = %d (Retry-After %q), want 429 with Retry-After", last, hdr.Get("Retry-After"))
	}
}
