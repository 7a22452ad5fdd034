package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/registry"
)

// entries returns the audit entries of the last hour on tg.
func entries(t *testing.T, tg target) []auditlog.Entry {
	t.Helper()
	var out []auditlog.Entry
	now := time.Now()
	for en, err := range (&auditlog.Log{Store: tg.st}).Entries(context.Background(), now.Add(-time.Hour), now.Add(time.Hour)) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, en)
	}
	return out
}

// find returns the entries with action and outcome whose object is object.
func find(es []auditlog.Entry, action, object, outcome string) []auditlog.Entry {
	var out []auditlog.Entry
	for _, e := range es {
		if e.Action == action && e.Object == object && e.Outcome == outcome {
			out = append(out, e)
		}
	}
	return out
}

// TestCLITokenLifecycle creates, lists and revokes a person's token on
// both stores: the revoked token stops working, and the revocation is in
// the audit log (intent and outcome) with the CLI actor and the reason.
func TestCLITokenLifecycle(t *testing.T) {
	for _, target := range targets {
		t.Run(target.name, func(t *testing.T) {
			tg := target.open(t)
			code, out := run(t, tg, "token-create", "--role", "operator", "--name", "carol")
			secret := strings.TrimSpace(out)
			if code != 0 || !strings.HasPrefix(secret, auth.PersonTokenPrefix) {
				t.Fatalf("token-create: %d %s", code, out)
			}
			code, out = run(t, tg, "token-list", "--json")
			var list struct{ Tokens []auth.TokenInfo }
			if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Tokens) != 1 {
				t.Fatalf("token-list --json: %d %v %s", code, err, out)
			}
			tok := list.Tokens[0]
			if tok.Name != "carol" || tok.Expires == nil || tok.Expires.Sub(tok.Created) != auth.DefaultTokenTTL || strings.Contains(out, secret[4:]) {
				t.Fatalf("listed %+v, want carol's token expiring after the default %v and no secret", tok, auth.DefaultTokenTTL)
			}
			if code, out := run(t, tg, "token-list"); code != 0 || !strings.Contains(out, tok.ID) || !strings.Contains(out, "carol") {
				t.Errorf("token-list: %d %s", code, out)
			}
			tokens := &auth.Tokens{Store: tg.st}
			if _, err := tokens.Authenticate(context.Background(), secret); err != nil {
				t.Fatalf("new token: %v", err)
			}

			if code, out := run(t, tg, "token-revoke", tok.ID); code == 0 || !strings.Contains(out, "--reason") {
				t.Fatalf("token-revoke without --reason: %d %s, want refused", code, out)
			}
			if _, err := tokens.Authenticate(context.Background(), secret); err != nil {
				t.Fatalf("token after a refused revocation: %v", err)
			}
			if code, out := run(t, tg, "token-revoke", tok.ID, "--reason", "carol left"); code != 0 {
				t.Fatalf("token-revoke: %d %s", code, out)
			}
			if _, err := tokens.Authenticate(context.Background(), secret); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Fatalf("revoked token: %v, want ErrUnauthenticated", err)
			}
			es := entries(t, tg)
			intent, done := find(es, auditlog.Delete, "token "+tok.ID, auditlog.Started), find(es, auditlog.Delete, "token "+tok.ID, auditlog.OK)
			if len(intent) != 1 || len(done) != 1 {
				t.Fatalf("revocation entries: %d intent, %d outcome; want one each", len(intent), len(done))
			}
			if d := done[0]; d.Actor.Kind != "cli" || d.Justification != "carol left" || !strings.Contains(d.Detail, "revoked token "+tok.ID+" of person carol role operator") {
				t.Errorf("revocation entry = %+v", d)
			}
			if code, _ := run(t, tg, "token-revoke", tok.ID, "--reason", "again"); code == 0 {
				t.Error("second revocation succeeded")
			}
			if failed := find(entries(t, tg), auditlog.Delete, "token "+tok.ID, auditlog.Failed); len(failed) != 1 {
				t.Errorf("failed revocation recorded %d times, want once", len(failed))
			}
		})
	}
}

func TestCLITokenTTL(t *testing.T) {
	tg := targets[0].open(t)
	for _, ttl := range []string{"never", "2d"} {
		if code, out := run(t, tg, "token-create", "--name", "n-"+ttl, "--ttl", ttl); code != 0 {
			t.Fatalf("token-create --ttl %s: %d %s", ttl, code, out)
		}
	}
	for _, bad := range []string{"0", "forever", "-1h"} {
		if code, _ := run(t, tg, "token-create", "--name", "x", "--ttl", bad); code == 0 {
			t.Errorf("token-create --ttl %s succeeded", bad)
		}
	}
	code, out := run(t, tg, "token-list", "--json")
	var list struct{ Tokens []auth.TokenInfo }
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Tokens) != 2 {
		t.Fatalf("token-list --json: %d %v %s", code, err, out)
	}
	for _, tk := range list.Tokens {
		switch tk.Name {
		case "n-never":
			if !tk.NeverExpires || tk.Expires != nil {
				t.Errorf("never: %+v", tk)
			}
		case "n-2d":
			if tk.Expires == nil || tk.Expires.Sub(tk.Created) != 48*time.Hour {
				t.Errorf("2d: %+v", tk)
			}
		}
	}
	if code, out := run(t, tg, "token-list"); code != 0 || !strings.Contains(out, "never") {
		t.Errorf("token-list does not show the never-expiring token: %s", out)
	}
	es := entries(t, tg)
	if c := find(es, auditlog.Create, "token of person n-never role assurance", auditlog.OK); len(c) != 1 || !strings.Contains(c[0].Detail, "never expires") {
		t.Errorf("creation of a never-expiring token recorded as %+v", c)
	}
}

func TestCLIEnrollSecretLifecycle(t *testing.T) {
	tg := targets[0].open(t)
	if code, out := run(t, tg, "enroll-secret-create", "--name", "estate", "--max-uses", "2", "--ttl", "30d", "--reason", "new estate"); code != 0 {
		t.Fatalf("enroll-secret-create: %d %s", code, out)
	}
	if code, _ := run(t, tg, "enroll-secret-create", "--name", "x", "--max-uses", "-1"); code == 0 {
		t.Error("enroll-secret-create --max-uses -1 succeeded")
	}
	code, out := run(t, tg, "enroll-secret-list", "--json")
	var list struct {
		Secrets []registry.SecretInfo `json:"enroll_secrets"`
	}
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Secrets) != 1 {
		t.Fatalf("enroll-secret-list --json: %d %v %s", code, err, out)
	}
	sec := list.Secrets[0]
	if sec.MaxUses != 2 || sec.Expires == nil || !sec.Usable {
		t.Fatalf("listed %+v", sec)
	}
	if code, out := run(t, tg, "enroll-secret-list"); code != 0 || !strings.Contains(out, sec.ID) || !strings.Contains(out, "0/2") {
		t.Errorf("enroll-secret-list: %d %s", code, out)
	}
	if code, out := run(t, tg, "enroll-secret-revoke", sec.ID, "--reason", "estate sold"); code != 0 {
		t.Fatalf("enroll-secret-revoke: %d %s", code, out)
	}
	if code, out := run(t, tg, "enroll-secret-list", "--json"); code != 0 || strings.Contains(out, sec.ID) {
		t.Errorf("after revocation: %d %s", code, out)
	}
	es := entries(t, tg)
	if c := find(es, auditlog.Create, "enroll secret estate", auditlog.OK); len(c) != 1 || c[0].Justification != "new estate" || !strings.Contains(c[0].Detail, sec.ID) || !strings.Contains(c[0].Detail, "0 of 2 uses") {
		t.Errorf("creation entries %+v", c)
	}
	if d := find(es, auditlog.Delete, "enroll secret "+sec.ID, auditlog.OK); len(d) != 1 || d[0].Justification != "estate sold" || d[0].Actor.Kind != "cli" {
		t.Errorf("revocation entries %+v", d)
	}
}
