package registry

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
)

// TestRevocationNotLost races re-enrollments of a host against its
// revocation or decommissioning, many times: the host must end revoked
// (or decommissioned), and no token issued during the race may still
// authenticate (finding 1 of issue 11: before compare-and-swap, a
// re-enrollment wrote the host back "active" after the revoke answered).
func TestRevocationNotLost(t *testing.T) {
	const trials, enrollers = 12, 4
	for _, tc := range []struct {
		name  string
		state string
		end   func(r *Registry, id objkey.HostID) error
	}{
		{"revoke", Revoked, func(r *Registry, id objkey.HostID) error {
			_, err := r.Revoke(context.Background(), id)
			return err
		}},
		{"decommission", Decommissioned, func(r *Registry, id objkey.HostID) error {
			_, err := r.Decommission(context.Background(), id)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for trial := range trials {
				ctx := context.Background()
				r, _ := newRegistry(t)
				secret, err := r.CreateEnrollSecret(ctx, "estate", nil)
				if err != nil {
					t.Fatal(err)
				}
				req := EnrollRequest{Hostname: "web-1", MachineID: "m-1"}
				id, first, err := r.Enroll(ctx, secret, req)
				if err != nil {
					t.Fatal(err)
				}
				tokens := make([]string, enrollers)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range enrollers {
					wg.Go(func() {
						<-start
						_, tok, err := r.Enroll(ctx, secret, req)
						if err != nil && !errors.Is(err, ErrNotReadmit) {
							t.Errorf("trial %d: re-enroll: %v", trial, err)
						}
						tokens[i] = tok
					})
				}
				var endErr error
				wg.Go(func() {
					<-start
					endErr = tc.end(r, id)
				})
				close(start)
				wg.Wait()
				if endErr != nil {
					t.Fatalf("trial %d: %s: %v", trial, tc.name, endErr)
				}
				h, err := r.Get(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if h.State != tc.state || h.TokenHash != "" {
					t.Errorf("trial %d: host after %s and %d re-enrollments: state %q, token hash %q; want %q and none", trial, tc.name, enrollers, h.State, h.TokenHash, tc.state)
				}
				for i, tok := range append(tokens, first) {
					if tok == "" {
						continue
					}
					p, err := r.Tokens.Authenticate(ctx, tok)
					if err == nil {
						_, err = r.Authenticate(ctx, p, auth.Hash(tok))
					}
					if !errors.Is(err, auth.ErrUnauthenticated) {
						t.Errorf("trial %d: token %d issued during the race still works after %s: %v", trial, i, tc.name, err)
					}
				}
			}
		})
	}
}
