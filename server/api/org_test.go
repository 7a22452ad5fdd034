package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/server/auth"
)

func TestOrgDataUpload(t *testing.T) {
	e := newEnv(t)
	op, reader := e.tokens[auth.Operator], e.tokens[auth.Assurance]
	waivers := []byte(`waivers:
  - id: W-1
    control: ICO-SEC-01
    hosts: ["legacy-*"]
    reason: Replacement goes live in March 2027.
    approver: SIRO
    created: 2026-10-01
    expires: 2027-03-31
`)
	code, m, _ := e.do(req{method: "PUT", path: "/api/v1/org/waivers", token: op, body: waivers, contentType: "application/yaml", justification: "new waiver W-1"})
	if code != http.StatusOK || m["version"] == "" {
		t.Fatalf("upload waivers: %d %v", code, m)
	}
	first := m["version"]
	hr, err := http.NewRequest("GET", e.srv.URL+"/api/v1/org/waivers", nil)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Bearer "+reader)
	hr.Header.Set("X-Justification", "review waivers")
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Org-Version") != first {
		t.Errorf("get waivers: %d version %q, want 200 version %v", resp.StatusCode, resp.Header.Get("X-Org-Version"), first)
	}

	before := e.snapshot()
	tests := []struct {
		name     string
		r        req
		wantCode int
		wantErr  string
		wantMsg  string
	}{
		{"date that is not a date", req{method: "PUT", path: "/api/v1/org/waivers", token: op, contentType: "application/yaml", justification: "x",
			body: []byte(strings.Replace(string(waivers), "2027-03-31", "2027-13-31", 1))}, 422, "invalid_org_data", "waivers.yaml:8: expires"},
		{"unknown control in a waiver", req{method: "PUT", path: "/api/v1/org/waivers", token: op, contentType: "application/yaml", justification: "x",
			body: []byte(strings.Replace(string(waivers), "ICO-SEC-01", "ICO-NOPE-99", 1))}, 422, "invalid_org_data", "ICO-NOPE-99"},
		{"duplicate plan", req{method: "PUT", path: "/api/v1/org/plans", token: op, contentType: "application/yaml", justification: "x",
			body: []byte("plans:\n  - {id: P1, name: a, owner: b, covers: {hosts: ['*']}, last_review: 2026-01-01, last_test: 2026-01-01}\n  - {id: P1, name: a, owner: b, covers: {hosts: ['*']}, last_review: 2026-01-01, last_test: 2026-01-01}\n")}, 422, "invalid_org_data", "P1"},
		{"unknown kind", req{method: "PUT", path: "/api/v1/org/secrets", token: op, contentType: "application/yaml", justification: "x", body: waivers}, 400, "bad_request", "secrets"},
		{"wrong content type", req{method: "PUT", path: "/api/v1/org/waivers", token: op, contentType: "application/json", justification: "x", body: waivers}, 415, "unsupported_media_type", "application/yaml"},
		{"CSV for something other than leavers", req{method: "PUT", path: "/api/v1/org/plans", token: op, contentType: "text/csv", justification: "x", body: []byte("a,b\n")}, 415, "unsupported_media_type", "leavers"},
		{"assurance may not change it", req{method: "PUT", path: "/api/v1/org/waivers", token: reader, contentType: "application/yaml", justification: "x", body: waivers}, 403, "forbidden", "operator"},
		{"change without justification", req{method: "PUT", path: "/api/v1/org/waivers", token: op, contentType: "application/yaml", body: waivers}, 428, "justification_required", "X-Justification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, _ := e.do(tt.r)
			errBody, _ := m["error"].(map[string]any)
			if code != tt.wantCode || errBody == nil || errBody["code"] != tt.wantErr || !strings.Contains(errBody["message"].(string), tt.wantMsg) {
				t.Errorf("%s %s = %d %v, want %d %s mentioning %q", tt.r.method, tt.r.path, code, m, tt.wantCode, tt.wantErr, tt.wantMsg)
			}
		})
	}
	if d := diff(before, e.snapshot()); len(d) != 0 {
		t.Errorf("refused uploads changed the bucket: %v", d)
	}
}
