package auth

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

func TestParseLifetime(t *testing.T) {
	tests := []struct {
		in      string
		want    Lifetime
		wantErr bool
	}{
		{"", Lifetime{}, false},
		{"never", Lifetime{Never: true}, false},
		{"90d", Lifetime{TTL: 90 * 24 * time.Hour}, false},
		{"36h", Lifetime{TTL: 36 * time.Hour}, false},
		{"0d", Lifetime{}, true},
		{"-1h", Lifetime{}, true},
		{"3651d", Lifetime{}, true},
		{"forever", Lifetime{}, true},
		{"Never", Lifetime{}, true},
	}
	for _, tt := range tests {
		got, err := ParseLifetime(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLifetime(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// newTokens returns Tokens on a fresh directory store with a settable
// clock.
func newTokens(t *testing.T) (*Tokens, store.Backend, *time.Time) {
	t.Helper()
	st, err := dirstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	return &Tokens{Store: st, Now: func() time.Time { return now }, DefaultTTL: 30 * 24 * time.Hour}, st, &now
}

func TestPersonTokenLifetimes(t *testing.T) {
	tests := []struct {
		name      string
		life      Lifetime
		wantValid time.Duration // 0: never expires
	}{
		{"default", Lifetime{}, 30 * 24 * time.Hour},
		{"explicit", Lifetime{TTL: time.Hour}, time.Hour},
		{"never", Lifetime{Never: true}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			tokens, _, now := newTokens(t)
			start := *now
			secret, info, err := tokens.IssuePerson(ctx, "alice", Operator, tt.life)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantValid == 0 {
				if info.Expires != nil || !info.NeverExpires {
					t.Fatalf("info = %+v, want never_expires and no expiry", info)
				}
				*now = start.Add(20 * 365 * 24 * time.Hour)
				if _, err := tokens.Authenticate(ctx, secret); err != nil {
					t.Fatalf("never-expiring token after 20 years: %v", err)
				}
				return
			}
			if info.Expires == nil || !info.Expires.Equal(start.Add(tt.wantValid)) || info.NeverExpires {
				t.Fatalf("info = %+v, want expiry %v", info, start.Add(tt.wantValid))
			}
			*now = start.Add(tt.wantValid - time.Second)
			if _, err := tokens.Authenticate(ctx, secret); err != nil {
				t.Fatalf("token a second before expiry: %v", err)
			}
			*now = start.Add(tt.wantValid)
			if _, err := tokens.Authenticate(ctx, secret); !errors.Is(err, ErrUnauthenticated) {
				t.Fatalf("token at its expiry: %v, want ErrUnauthenticated", err)
			}
			listed := collect(t, tokens)
			if len(listed) != 1 || !listed[0].Expired {
				t.Fatalf("listing after expiry = %+v, want one expired token", listed)
			}
		})
	}
}

// TestLegacyTokenGetsDefaultExpiry: a person's token stored before expiry
// became the default (no expires, no never_expires; the bootstrap admin
// token was one) expires DefaultTTL after it was made; a host's does not.
func TestLegacyTokenGetsDefaultExpiry(t *testing.T) {
	ctx := context.Background()
	tokens, _, now := newTokens(t)
	start := *now
	person, _, err := tokens.Issue(ctx, Principal{Kind: "person", ID: "bootstrap-admin", Role: Admin}, PersonTokenPrefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	host, _, err := tokens.Issue(ctx, Principal{Kind: "host", ID: objkey.NewHostID().String(), Role: Agent}, HostTokenPrefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	*now = start.Add(tokens.DefaultTTL)
	if _, err := tokens.Authenticate(ctx, person); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("legacy person token after the default lifetime: %v, want ErrUnauthenticated", err)
	}
	if _, err := tokens.Authenticate(ctx, host); err != nil {
		t.Errorf("host token after the default lifetime: %v, want valid (hosts' tokens end with the host)", err)
	}
}

func collect(t *testing.T, tokens *Tokens) []TokenInfo {
	t.Helper()
	var out []TokenInfo
	for i, err := range tokens.People(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, i)
	}
	return out
}

func TestRevokePerson(t *testing.T) {
	ctx := context.Background()
	tokens, st, _ := newTokens(t)
	alice, aliceInfo, err := tokens.IssuePerson(ctx, "alice", Admin, Lifetime{})
	if err != nil {
		t.Fatal(err)
	}
	bob, _, err := tokens.IssuePerson(ctx, "bob", Assurance, Lifetime{Never: true})
	if err != nil {
		t.Fatal(err)
	}
	hostSecret, hostHash, err := tokens.Issue(ctx, Principal{Kind: "host", ID: objkey.NewHostID().String(), Role: Agent}, HostTokenPrefix, nil)
	if err != nil {
		t.Fatal(err)
	}

	listed := collect(t, tokens)
	if len(listed) != 2 {
		t.Fatalf("People listed %d tokens, want alice's and bob's (not the host's): %+v", len(listed), listed)
	}
	b, _ := json.Marshal(listed)
	for o, err := range st.List(ctx, objkey.TokensPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		full := strings.TrimSuffix(strings.TrimPrefix(o.Key, objkey.TokensPrefix), ".json")
		if strings.Contains(string(b), full) || strings.Contains(string(b), full[:32]) {
			t.Fatalf("listing %s shows a stored hash %s", b, full)
		}
	}
	for _, s := range []string{alice, bob, hostSecret} {
		if strings.Contains(string(b), s[4:]) {
			t.Fatalf("listing shows a secret")
		}
	}

	for _, bad := range []string{"", "tok_", "tok_XYZ", PublicID(TokenIDPrefix, hostHash), PublicID(TokenIDPrefix, Hash("apt_unknown"))} {
		if _, err := tokens.RevokePerson(ctx, bad); !errors.Is(err, ErrNoToken) {
			t.Errorf("RevokePerson(%q) = %v, want ErrNoToken", bad, err)
		}
	}
	if _, err := tokens.Authenticate(ctx, hostSecret); err != nil {
		t.Fatalf("host token after refused revocation by ID: %v", err)
	}

	got, err := tokens.RevokePerson(ctx, aliceInfo.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "alice" || got.ID != aliceInfo.ID {
		t.Errorf("RevokePerson = %+v, want alice's token", got)
	}
	if _, err := tokens.Authenticate(ctx, alice); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("revoked token: %v, want ErrUnauthenticated", err)
	}
	if _, err := tokens.Authenticate(ctx, bob); err != nil {
		t.Errorf("bob's token after alice's revocation: %v", err)
	}
	if _, err := tokens.RevokePerson(ctx, aliceInfo.ID); !errors.Is(err, ErrNoToken) {
		t.Errorf("second revocation: %v, want ErrNoToken", err)
	}
	if l := collect(t, tokens); len(l) != 1 || l[0].Name != "bob" || !l[0].NeverExpires {
		t.Errorf("listing after revocation = %+v, want bob's, never expiring", l)
	}
}

func TestIssuePersonRefuses(t *testing.T) {
	tokens, _, _ := newTokens(t)
	for _, tt := range []struct {
		name string
		role Role
	}{{"alice", Agent}, {"alice", "root"}, {"", Admin}, {"a\nb", Admin}, {strings.Repeat("a", 129), Admin}} {
		if _, _, err := tokens.IssuePerson(context.Background(), tt.name, tt.role, Lifetime{}); err == nil {
			t.Errorf("IssuePerson(%q, %q) succeeded", tt.name, tt.role)
		}
	}
}
