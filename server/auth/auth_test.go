package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

func TestAllows(t *testing.T) {
	tests := []struct {
		have, need Role
		want       bool
	}{
		{Admin, Admin, true}, {Admin, Operator, true}, {Admin, Assurance, true}, {Admin, Agent, false},
		{Operator, Admin, false}, {Operator, Operator, true}, {Operator, Assurance, true},
		{Assurance, Operator, false}, {Assurance, Assurance, true},
		{Agent, Agent, true}, {Agent, Assurance, false}, {Assurance, Agent, false},
		{Role("root"), Assurance, false}, {Role(""), Assurance, false},
	}
	for _, tt := range tests {
		if got := tt.have.Allows(tt.need); got != tt.want {
			t.Errorf("Role(%q).Allows(%q) = %v, want %v", tt.have, tt.need, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	st, err := dirstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tokens := &Tokens{Store: st, Now: func() time.Time { return now }}
	exp := now.Add(time.Hour)
	secret, h, err := tokens.Issue(ctx, Principal{Kind: "person", ID: "alice", Role: Assurance}, PersonTokenPrefix, &exp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, PersonTokenPrefix) || len(secret) < 40 {
		t.Fatalf("secret %q: want a long apt_ secret", secret)
	}
	for o, err := range st.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(o.Key, secret[len(PersonTokenPrefix):]) {
			t.Fatalf("the secret appears in key %s", o.Key)
		}
	}
	p, err := tokens.Authenticate(ctx, secret)
	if err != nil || p.ID != "alice" || p.Role != Assurance {
		t.Fatalf("Authenticate = %+v, %v; want alice/assurance", p, err)
	}
	for _, bad := range []string{"", "apt_", secret + "x", "aft_" + secret[4:], strings.Repeat("a", 300)} {
		if _, err := tokens.Authenticate(ctx, bad); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthenticated", bad, err)
		}
	}
	now = exp
	if _, err := tokens.Authenticate(ctx, secret); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("expired token: %v, want ErrUnauthenticated", err)
	}
	now = exp.Add(-time.Minute)
	if err := tokens.Revoke(ctx, h); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Authenticate(ctx, secret); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("revoked token: %v, want ErrUnauthenticated", err)
	}
	if _, _, err := tokens.Issue(ctx, Principal{Kind: "person", ID: "bob", Role: "root"}, PersonTokenPrefix, nil); err == nil {
		t.Error("Issue with an unknown role succeeded")
	}
}
