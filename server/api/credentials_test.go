package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
)

// entryOf returns the outcome entry (not the intent) of request reqID.
func (e *env) outcomeOf(reqID string) auditlog.Entry {
	e.t.Helper()
	for _, en := range e.entriesOf(reqID) {
		if en.Outcome != auditlog.Started {
			return en
		}
	}
	e.t.Fatalf("no audit outcome for request %s", reqID)
	return auditlog.Entry{}
}

func (e *env) createToken(name, role, ttl string) (string, map[string]any) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"name": name, "role": role, "ttl": ttl})
	code, m, _ := e.do(req{method: "POST", path: "/api/v1/tokens", token: e.tokens[auth.Admin], body: body, justification: "new starter"})
	if code != http.StatusCreated {
		e.t.Fatalf("create token for %s: %d %v", name, code, m)
	}
	return m["secret"].(string), m
}

// TestPersonTokenRevocation: a revoked person's token stops working at
// once (401, the same answer as an unknown one), and the revocation is
// in the audit log with its actor, justification and the token's ID.
func TestPersonTokenRevocation(t *testing.T) {
	e := newEnv(t)
	carol, created := e.createToken("carol", "operator", "")
	id := created["id"].(string)
	if !strings.HasPrefix(id, auth.TokenIDPrefix) || created["expires"] != testNow.Add(auth.DefaultTokenTTL).Format(time.RFC3339) {
		t.Fatalf("created %v, want a tok_ ID and the default expiry", created)
	}
	if code, m, _ := e.do(req{method: "GET", path: "/api/v1/hosts", token: carol}); code != http.StatusOK {
		t.Fatalf("carol's new token: %d %v", code, m)
	}

	code, m, _ := e.do(req{method: "GET", path: "/api/v1/tokens", token: e.tokens[auth.Admin]})
	b, _ := json.Marshal(m)
	if code != http.StatusOK || !strings.Contains(string(b), id) || strings.Contains(string(b), carol[4:]) || strings.Contains(string(b), auth.Hash(carol).String()[:32]) {
		t.Fatalf("token list: %d %s; want carol's ID, neither her secret nor its hash", code, b)
	}

	// Without a justification nothing happens.
	if code, m, _ := e.do(req{method: "DELETE", path: "/api/v1/tokens/" + id, token: e.tokens[auth.Admin]}); code != http.StatusPreconditionRequired {
		t.Fatalf("revoke without justification: %d %v, want 428", code, m)
	}
	if code, _, _ := e.do(req{method: "GET", path: "/api/v1/hosts", token: carol}); code != http.StatusOK {
		t.Fatalf("carol's token after a refused revocation: %d", code)
	}

	code, m, h := e.do(req{method: "DELETE", path: "/api/v1/tokens/" + id, token: e.tokens[auth.Admin], justification: "carol left"})
	if code != http.StatusOK {
		t.Fatalf("revoke: %d %v", code, m)
	}
	code, m, _ = e.do(req{method: "GET", path: "/api/v1/hosts", token: carol})
	if code != http.StatusUnauthorized || m["error"].(map[string]any)["message"] != "missing, unknown, expired or revoked credential" {
		t.Fatalf("revoked token: %d %v, want 401 without saying why", code, m)
	}
	en := e.outcomeOf(h.Get("X-Request-Id"))
	if en.Actor.ID != "admin-person" || en.Action != auditlog.Delete || en.Justification != "carol left" || en.Outcome != auditlog.OK ||
		!strings.Contains(en.Object, id) || !strings.Contains(en.Detail, "revoked token "+id+" of person carol role operator") {
		t.Errorf("revocation entry = %+v", en)
	}
	if code, m, _ := e.do(req{method: "DELETE", path: "/api/v1/tokens/" + id, token: e.tokens[auth.Admin], justification: "again"}); code != http.StatusNotFound {
		t.Errorf("second revocation: %d %v, want 404", code, m)
	}
}

// TestDefaultTokenExpiry: a token made without a lifetime expires after
// the default; so does one stored without any expiry before it became
// the default (the env's people, like the bootstrap admin token); one
// made to never expire does not, and says so in the list.
func TestDefaultTokenExpiry(t *testing.T) {
	e := newEnv(t)
	dflt, _ := e.createToken("dora", "assurance", "")
	never, created := e.createToken("nick", "assurance", "never")
	if created["never_expires"] != true || created["expires"] != nil {
		t.Fatalf("never-expiring token: %v", created)
	}
	later := testNow.Add(auth.DefaultTokenTTL)
	e.api.Tokens.Now = func() time.Time { return later }
	for name, tok := range map[string]string{"default": dflt, "stored without expiry": e.tokens[auth.Assurance]} {
		if code, m, _ := e.do(req{method: "GET", path: "/api/v1/hosts", token: tok}); code != http.StatusUnauthorized {
			t.Errorf("%s token after %v: %d %v, want 401", name, auth.DefaultTokenTTL, code, m)
		}
	}
	if code, m, _ := e.do(req{method: "GET", path: "/api/v1/hosts", token: never}); code != http.StatusOK {
		t.Errorf("never-expiring token: %d %v", code, m)
	}
	e.api.Tokens.Now = func() time.Time { return testNow }
	_, m, _ := e.do(req{method: "GET", path: "/api/v1/tokens", token: e.tokens[auth.Admin]})
	seen := 0
	for _, x := range m["tokens"].([]any) {
		tk := x.(map[string]any)
		if tk["name"] == "nick" {
			seen++
			if tk["never_expires"] != true || tk["expires"] != nil {
				t.Errorf("listed %v, want never_expires", tk)
			}
		}
	}
	if seen != 1 {
		t.Errorf("nick's token listed %d times", seen)
	}
}

// TestEnrollSecretLifecycle: max_uses is honoured, a revoked secret
// enrolls no one, and creation and revocation are audited.
func TestEnrollSecretLifecycle(t *testing.T) {
	e := newEnv(t)
	code, m, h := e.do(req{method: "POST", path: "/api/v1/enroll-secrets", token: e.tokens[auth.Admin], body: []byte(`{"name": "estate", "max_uses": 2}`), justification: "new estate"})
	if code != http.StatusCreated || m["max_uses"] != 2.0 || !strings.HasPrefix(m["id"].(string), "es_") {
		t.Fatalf("create: %d %v", code, m)
	}
	id := m["id"].(string)
	if en := e.outcomeOf(h.Get("X-Request-Id")); !strings.Contains(en.Detail, "created enroll secret "+id) || en.Justification != "new estate" {
		t.Errorf("creation entry = %+v", en)
	}
	e.secret = m["secret"].(string)
	e.enroll("web-1", "m-1")
	e.enroll("web-2", "m-2")
	body := []byte(`{"hostname": "web-3", "machine_id": "m-3"}`)
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: body}); code != http.StatusUnauthorized {
		t.Fatalf("third enrollment with max_uses 2: %d %v, want 401", code, m)
	}
	_, m, _ = e.do(req{method: "GET", path: "/api/v1/enroll-secrets", token: e.tokens[auth.Admin]})
	b, _ := json.Marshal(m)
	var listed map[string]any
	for _, x := range m["enroll_secrets"].([]any) {
		if x.(map[string]any)["id"] == id {
			listed = x.(map[string]any)
		}
	}
	if listed["name"] != "estate" || listed["max_uses"] != 2.0 || listed["uses"] != 2.0 || listed["usable"] != false || strings.Contains(string(b), e.secret[4:]) {
		t.Errorf("list = %s, want %s with 2 of 2 uses, not usable, and no secret", b, id)
	}

	code, m, _ = e.do(req{method: "POST", path: "/api/v1/enroll-secrets", token: e.tokens[auth.Admin], body: []byte(`{"name": "other"}`), justification: "x"})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, m)
	}
	other, otherID := m["secret"].(string), m["id"].(string)
	code, m, h = e.do(req{method: "DELETE", path: "/api/v1/enroll-secrets/" + otherID, token: e.tokens[auth.Admin], justification: "leaked"})
	if code != http.StatusOK {
		t.Fatalf("revoke: %d %v", code, m)
	}
	if en := e.outcomeOf(h.Get("X-Request-Id")); en.Actor.ID != "admin-person" || en.Justification != "leaked" || !strings.Contains(en.Detail, "revoked enroll secret "+otherID) {
		t.Errorf("revocation entry = %+v", en)
	}
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/enroll", token: other, body: body}); code != http.StatusUnauthorized {
		t.Errorf("enroll with a revoked secret: %d %v, want 401", code, m)
	}
}

func TestCredentialBadRequests(t *testing.T) {
	e := newEnv(t)
	past := testNow.Add(-time.Hour).Format(time.RFC3339)
	tests := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/api/v1/enroll-secrets", `{"name": "x", "max_uses": -1}`, 400},
		{"POST", "/api/v1/enroll-secrets", `{"name": "x", "max_uses": 1000001}`, 400},
		{"POST", "/api/v1/enroll-secrets", `{"name": "x", "expires": "` + past + `"}`, 400},
		{"POST", "/api/v1/enroll-secrets", `{"name": ""}`, 400},
		{"POST", "/api/v1/enroll-secrets", `{"name": "x", "uses": 3}`, 400},
		{"POST", "/api/v1/tokens", `{"name": "x", "role": "agent"}`, 400},
		{"POST", "/api/v1/tokens", `{"name": "x", "role": "root"}`, 400},
		{"POST", "/api/v1/tokens", `{"name": "", "role": "admin"}`, 400},
		{"POST", "/api/v1/tokens", `{"name": "x", "role": "admin", "ttl": "forever"}`, 400},
		{"POST", "/api/v1/tokens", `{"name": "x", "role": "admin", "ttl": "-1h"}`, 400},
		{"DELETE", "/api/v1/tokens/tok_nothex", "", 404},
		{"DELETE", "/api/v1/tokens/" + auth.PublicID(auth.TokenIDPrefix, auth.Hash("apt_x")), "", 404},
		{"DELETE", "/api/v1/enroll-secrets/es_0000000000000000", "", 404},
	}
	for _, tt := range tests {
		before := e.snapshot()
		var body []byte
		if tt.body != "" {
			body = []byte(tt.body)
		}
		if code, m, _ := e.do(req{method: tt.method, path: tt.path, token: e.tokens[auth.Admin], body: body, justification: "test"}); code != tt.want {
			t.Errorf("%s %s %s: %d %v, want %d", tt.method, tt.path, tt.body, code, m, tt.want)
		}
		if d := diff(before, e.snapshot()); len(d) != 0 {
			t.Errorf("%s %s %s changed the store: %v", tt.method, tt.path, tt.body, d)
		}
	}
}

// TestEnrollRateLimit: too many enrollments from one address, or with one
// secret, get 429 with Retry-After and store nothing.
func TestEnrollRateLimit(t *testing.T) {
	tests := []struct {
		name                   string
		addrBurst, secretBurst int
	}{
		{"per address", 3, 100},
		{"per secret", 100, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.api.enrollAddr = newLimiter(1, tt.addrBurst, e.api.now)
			e.api.enrollSecret = newLimiter(1, tt.secretBurst, e.api.now)
			for i := range 3 {
				e.enroll("web-"+strconv.Itoa(i), "m-"+strconv.Itoa(i))
			}
			before := e.snapshot()
			code, m, h := e.do(req{method: "POST", path: "/api/v1/enroll", token: e.secret, body: []byte(`{"hostname": "web-9", "machine_id": "m-9"}`)})
			if code != http.StatusTooManyRequests || m["error"].(map[string]any)["code"] != "rate_limited" {
				t.Fatalf("fourth enrollment: %d %v, want 429", code, m)
			}
			if ra, err := strconv.Atoi(h.Get("Retry-After")); err != nil || ra < 1 || ra > 61 {
				t.Errorf("Retry-After %q, want 1 to 61 seconds", h.Get("Retry-After"))
			}
			if d := diff(before, e.snapshot()); len(d) != 0 {
				t.Errorf("a refused enrollment changed the store: %v", d)
			}
		})
	}
	// Another secret is limited on its own.
	e := newEnv(t)
	e.api.enrollSecret = newLimiter(1, 1, e.api.now)
	e.enroll("web-1", "m-1")
	_, m, _ := e.do(req{method: "POST", path: "/api/v1/enroll-secrets", token: e.tokens[auth.Admin], body: []byte(`{"name": "b"}`), justification: "x"})
	e.secret = m["secret"].(string)
	e.enroll("web-2", "m-2")
}
