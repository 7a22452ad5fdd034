package registry

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

func newRegistry(t *testing.T) (*Registry, *dirstore.Store) {
	t.Helper()
	st, err := dirstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	tokens := &auth.Tokens{Store: st, Now: now}
	return &Registry{Store: st, Tokens: tokens, Now: now}, st
}

func TestEnrollAndReEnroll(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	secret, err := r.CreateEnrollSecret(ctx, "estate", nil)
	if err != nil {
		t.Fatal(err)
	}
	req := EnrollRequest{Hostname: "web-1", MachineID: "m-1", OS: "Debian"}
	id1, tok1, err := r.Enroll(ctx, secret, req)
	if err != nil {
		t.Fatal(err)
	}
	id2, tok2, err := r.Enroll(ctx, secret, req)
	if err != nil {
		t.Fatal(err)
	}
	if id1 != id2 || tok1 == tok2 {
		t.Fatalf("re-enroll: ids %s, %s and tokens equal=%v; want the same host and a new token", id1, id2, tok1 == tok2)
	}
	if _, err := r.Tokens.Authenticate(ctx, tok1); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("old token after re-enroll: %v, want it revoked", err)
	}
	p, err := r.Tokens.Authenticate(ctx, tok2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Authenticate(ctx, p, auth.Hash(tok2)); err != nil {
		t.Errorf("Authenticate new token: %v", err)
	}
	other, _, err := r.Enroll(ctx, secret, EnrollRequest{Hostname: "web-2", MachineID: "m-2"})
	if err != nil || other == id1 {
		t.Fatalf("second machine: %s, %v; want a new host", other, err)
	}
	if _, _, err := r.Enroll(ctx, "aes_wrong", req); !errors.Is(err, ErrBadSecret) {
		t.Errorf("bad secret: %v, want ErrBadSecret", err)
	}
	if _, err := r.Revoke(ctx, id1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Enroll(ctx, secret, req); !errors.Is(err, ErrNotReadmit) {
		t.Errorf("re-enroll after revoke: %v, want ErrNotReadmit", err)
	}
	if _, err := r.Tokens.Authenticate(ctx, tok2); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("token after revoke: %v, want ErrUnauthenticated", err)
	}
	if _, err := r.Readmit(ctx, id1); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Readmit(ctx, id1); !errors.Is(err, ErrActive) {
		t.Errorf("readmit an active host: %v, want ErrActive", err)
	}
	id3, tok3, err := r.Enroll(ctx, secret, req)
	if err != nil || id3 != id1 {
		t.Fatalf("re-enroll after readmit = %s, %v; want host %s again", id3, err, id1)
	}
	if _, err := r.Tokens.Authenticate(ctx, tok3); err != nil {
		t.Errorf("token after readmit and re-enroll: %v", err)
	}
}

func TestEnrollSecretExpires(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	past := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	secret, err := r.CreateEnrollSecret(ctx, "old", &past)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Enroll(ctx, secret, EnrollRequest{Hostname: "x", MachineID: "y"}); !errors.Is(err, ErrBadSecret) {
		t.Errorf("expired secret: %v, want ErrBadSecret", err)
	}
}

func TestDecommissionDeletesEverythingButHeldData(t *testing.T) {
	ctx := context.Background()
	r, st := newRegistry(t)
	secret, _ := r.CreateEnrollSecret(ctx, "estate", nil)
	gone, _, _ := r.Enroll(ctx, secret, EnrollRequest{Hostname: "gone", MachineID: "m-gone"})
	kept, _, _ := r.Enroll(ctx, secret, EnrollRequest{Hostname: "kept", MachineID: "m-kept"})
	put := func(key string) {
		t.Helper()
		if _, err := st.Put(ctx, key, bytes.NewReader([]byte("{}")), 2, store.PutOptions{WriteOnce: true}); err != nil {
			t.Fatal(err)
		}
	}
	var held string
	for i, when := range []time.Time{time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)} {
		c, err := objkey.CycleAt(when)
		if err != nil {
			t.Fatal(err)
		}
		put(objkey.Cycle(c))
		for _, h := range []objkey.HostID{gone, kept} {
			rid, _ := objkey.ParseReportID(strings.Repeat(string(rune('a'+i)), 32))
			put(objkey.Facts(c, h, rid))
			put(objkey.Results(c, h, rid))
			if i == 1 && h == gone {
				held = objkey.Facts(c, h, rid)
			}
		}
	}
	if err := st.SetLegalHold(ctx, held, true); err != nil {
		t.Fatal(err)
	}
	n, err := r.Decommission(ctx, gone)
	if !errors.Is(err, ErrLegalHold) || n != 3 {
		t.Fatalf("Decommission = %d, %v; want 3 deleted and ErrLegalHold for the held object", n, err)
	}
	var left []string
	for o, err := range st.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(o.Key, gone.String()) && !strings.HasPrefix(o.Key, objkey.HostsPrefix) {
			left = append(left, o.Key)
		}
	}
	if len(left) != 1 || left[0] != held {
		t.Errorf("left after decommission: %v, want only the held %s", left, held)
	}
	h, err := r.Get(ctx, gone)
	if err != nil || h.State != Decommissioned {
		t.Errorf("registry entry %+v, %v; want kept as decommissioned", h, err)
	}
	for _, c := range []string{"2026-11-19T0200Z", "2026-11-20T0200Z"} {
		cid, _ := objkey.ParseCycleID(c)
		n := 0
		for _, err := range st.List(ctx, objkey.HostFacts(cid, kept)) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("other host's facts in %s: %d objects, want 1 (untouched)", c, n)
		}
	}
}

// TestEnrollCloneRefused: a host cloned from another's image enrolls with
// the same machine ID under its own name; it is refused and recorded on
// the original host, whose identity and token stay its own.
func TestEnrollCloneRefused(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	secret, err := r.CreateEnrollSecret(ctx, "estate", nil)
	if err != nil {
		t.Fatal(err)
	}
	id, tok, err := r.Enroll(ctx, secret, EnrollRequest{Hostname: "web-1", MachineID: "golden-image", OS: "Debian"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, _, err = r.Enroll(ctx, secret, EnrollRequest{Hostname: "web-2", MachineID: "golden-image", OS: "Debian"})
		if !errors.Is(err, ErrDuplicateMachine) || !strings.Contains(err.Error(), "web-1") || !strings.Contains(err.Error(), "systemd-machine-id-setup") {
			t.Fatalf("clone enroll: %v, want ErrDuplicateMachine naming web-1 and the fix", err)
		}
	}
	if _, err := r.Tokens.Authenticate(ctx, tok); err != nil {
		t.Errorf("the original host's token after a refused clone: %v", err)
	}
	h, err := r.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if h.Hostname != "web-1" || len(h.Clones) != 1 || h.Clones[0].Hostname != "web-2" {
		t.Errorf("host after clone attempts: hostname %q, clones %+v; want web-1 with one clone web-2", h.Hostname, h.Clones)
	}
	// The same host re-enrolling (its name in another case) is not a clone.
	id2, _, err := r.Enroll(ctx, secret, EnrollRequest{Hostname: "WEB-1", MachineID: "golden-image", OS: "Debian"})
	if err != nil || id2 != id {
		t.Errorf("re-enroll of web-1: %s, %v; want %s", id2, err, id)
	}
}
