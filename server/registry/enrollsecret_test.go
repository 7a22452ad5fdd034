package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// TestMaxUsesExact races enrollments of distinct machines with one
// secret through two registries, each on its own handle of one store (as
// two server replicas are): exactly max_uses get through, every other is
// ErrBadSecret, and the stored count is max_uses.
func TestMaxUsesExact(t *testing.T) {
	const trials, maxUses, enrollers = 4, 5, 24
	for trial := range trials {
		ctx := context.Background()
		dir := t.TempDir()
		var regs [2]*Registry
		for i := range regs {
			st, err := dirstore.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			regs[i] = &Registry{Store: st, Tokens: &auth.Tokens{Store: st}}
		}
		secret, info, err := regs[0].IssueEnrollSecret(ctx, SecretSpec{Name: "estate", MaxUses: maxUses})
		if err != nil {
			t.Fatal(err)
		}
		var ok, refused atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range enrollers {
			wg.Go(func() {
				<-start
				_, _, err := regs[i%2].Enroll(ctx, secret, EnrollRequest{Hostname: fmt.Sprintf("web-%d", i), MachineID: fmt.Sprintf("m-%d", i)})
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, ErrBadSecret):
					refused.Add(1)
				default:
					t.Errorf("trial %d: enroll %d: %v", trial, i, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if ok.Load() != maxUses || refused.Load() != enrollers-maxUses {
			t.Errorf("trial %d: %d enrolled and %d refused with max_uses %d; want exactly %d enrolled", trial, ok.Load(), refused.Load(), maxUses, maxUses)
		}
		got := secrets(t, regs[1])
		if len(got) != 1 || got[0].ID != info.ID || got[0].Uses != maxUses || got[0].Usable {
			t.Errorf("trial %d: listed %+v, want %s with %d uses, not usable", trial, got, info.ID, maxUses)
		}
	}
}

func secrets(t *testing.T, r *Registry) []SecretInfo {
	t.Helper()
	var out []SecretInfo
	for s, err := range r.EnrollSecrets(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestRevokeEnrollSecret(t *testing.T) {
	ctx := context.Background()
	r, st := newRegistry(t)
	keep, _, err := r.IssueEnrollSecret(ctx, SecretSpec{Name: "keep"})
	if err != nil {
		t.Fatal(err)
	}
	gone, goneInfo, err := r.IssueEnrollSecret(ctx, SecretSpec{Name: "gone", MaxUses: 10})
	if err != nil {
		t.Fatal(err)
	}
	id, tok, err := r.Enroll(ctx, gone, EnrollRequest{Hostname: "web-1", MachineID: "m-1"})
	if err != nil {
		t.Fatal(err)
	}

	listed := secrets(t, r)
	b, _ := json.Marshal(listed)
	if len(listed) != 2 {
		t.Fatalf("listed %s, want two secrets", b)
	}
	for o, err := range st.List(ctx, objkey.EnrollSecretsPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		full := strings.TrimSuffix(strings.TrimPrefix(o.Key, objkey.EnrollSecretsPrefix), ".json")
		if strings.Contains(string(b), full[:32]) {
			t.Fatalf("listing %s shows a stored hash", b)
		}
	}
	if strings.Contains(string(b), keep[4:]) || strings.Contains(string(b), gone[4:]) {
		t.Fatal("listing shows a secret")
	}

	for _, bad := range []string{"", "es_", "es_0123", "tok_" + goneInfo.ID[3:], auth.PublicID(SecretIDPrefix, auth.Hash("aes_unknown"))} {
		if _, err := r.RevokeEnrollSecret(ctx, bad); !errors.Is(err, ErrNoSecret) {
			t.Errorf("RevokeEnrollSecret(%q) = %v, want ErrNoSecret", bad, err)
		}
	}
	got, err := r.RevokeEnrollSecret(ctx, goneInfo.ID)
	if err != nil || got.Name != "gone" || got.Uses != 1 || got.MaxUses != 10 {
		t.Fatalf("RevokeEnrollSecret = %+v, %v; want gone with 1 of 10 uses", got, err)
	}
	if _, _, err := r.Enroll(ctx, gone, EnrollRequest{Hostname: "web-2", MachineID: "m-2"}); !errors.Is(err, ErrBadSecret) {
		t.Errorf("enroll with a revoked secret: %v, want ErrBadSecret", err)
	}
	if _, _, err := r.Enroll(ctx, keep, EnrollRequest{Hostname: "web-2", MachineID: "m-2"}); err != nil {
		t.Errorf("enroll with the other secret: %v", err)
	}
	// A host enrolled with the revoked secret keeps its own token.
	p, err := r.Tokens.Authenticate(ctx, tok)
	if err == nil {
		_, err = r.Authenticate(ctx, p, auth.Hash(tok))
	}
	if err != nil {
		t.Errorf("host %s enrolled before its secret was revoked: %v", id, err)
	}
	if l := secrets(t, r); len(l) != 1 || l[0].Name != "keep" {
		t.Errorf("listing after revocation: %+v", l)
	}
}

func TestSecretExpiry(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	now := r.now()
	r.Now = func() time.Time { return now }
	exp := now.Add(time.Hour)
	secret, info, err := r.IssueEnrollSecret(ctx, SecretSpec{Name: "short", Expires: &exp})
	if err != nil || !info.Usable {
		t.Fatalf("IssueEnrollSecret = %+v, %v", info, err)
	}
	now = exp
	if _, _, err := r.Enroll(ctx, secret, EnrollRequest{Hostname: "web-1", MachineID: "m-1"}); !errors.Is(err, ErrBadSecret) {
		t.Errorf("enroll at expiry: %v, want ErrBadSecret", err)
	}
	if l := secrets(t, r); len(l) != 1 || l[0].Usable {
		t.Errorf("listing after expiry = %+v, want not usable", l)
	}
}

func TestSecretSpecRefused(t *testing.T) {
	r, _ := newRegistry(t)
	for _, spec := range []SecretSpec{
		{Name: ""}, {Name: "a\x00b"}, {Name: strings.Repeat("a", 129)},
		{Name: "x", MaxUses: -1}, {Name: "x", MaxUses: MaxSecretUses + 1},
	} {
		if _, _, err := r.IssueEnrollSecret(context.Background(), spec); err == nil {
			t.Errorf("IssueEnrollSecret(%+v) succeeded", spec)
		}
	}
}

// TestLegacySecretStillWorks: a secret stored write-once before use
// counting (no max_uses) is accepted without being rewritten.
func TestLegacySecretStillWorks(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	secret, h := auth.NewSecret(auth.EnrollSecretPrefix)
	if _, err := store.PutJSON(ctx, r.Store, objkey.EnrollSecret(h), EnrollSecret{Name: "old", Created: r.now()}, store.PutOptions{WriteOnce: true}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, _, err := r.Enroll(ctx, secret, EnrollRequest{Hostname: fmt.Sprintf("web-%d", i), MachineID: fmt.Sprintf("m-%d", i)}); err != nil {
			t.Fatalf("enroll %d with a legacy secret: %v", i, err)
		}
	}
}
