package api

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/store"
)

// gatedStore holds back Puts of keys under prefix until open is closed,
// telling reached when the first one arrives.
type gatedStore struct {
	store.Backend
	prefix  string
	reached chan struct{}
	open    chan struct{}
	once    sync.Once
}

func (g *gatedStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error) {
	if strings.HasPrefix(key, g.prefix) {
		g.once.Do(func() { close(g.reached) })
		<-g.open
	}
	return g.Backend.Put(ctx, key, r, size, opts)
}

// TestInFlightReportOfErasedHost decommissions (or revokes) a host while
// its report is being stored: the report must be refused and leave
// nothing of the host behind (finding 1 of issue 11).
func TestInFlightReportOfErasedHost(t *testing.T) {
	for _, tc := range []struct {
		name, method, path string
		role               auth.Role
	}{
		{"decommission", "DELETE", "", auth.Admin},
		{"revoke", "POST", "/revoke", auth.Operator},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gate := &gatedStore{prefix: "results/", reached: make(chan struct{}), open: make(chan struct{})}
			e := newEnvWrapped(t, func(b store.Backend) store.Backend { gate.Backend = b; return gate })
			hostID, token := e.enroll("web-1", "machine-1")
			before := e.snapshot()

			type answer struct {
				code int
				body map[string]any
			}
			done := make(chan answer, 1)
			body := report(t, "debian12-lts", nil)
			go func() {
				code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: body})
				done <- answer{code, m}
			}()
			select {
			case <-gate.reached: // facts stored, results about to be
			case a := <-done:
				t.Fatalf("report answered %d %v before storing its results", a.code, a.body)
			}
			code, m, _ := e.do(req{method: tc.method, path: "/api/v1/hosts/" + hostID + tc.path, token: e.tokens[tc.role], justification: "host retired"})
			if code != http.StatusOK {
				t.Fatalf("%s = %d %v", tc.name, code, m)
			}
			close(gate.open)
			a := <-done
			if a.code != http.StatusForbidden {
				t.Errorf("in-flight report = %d %v, want 403 host_inactive", a.code, a.body)
			}
			after := e.snapshot()
			for _, d := range diff(before, after) {
				if strings.Contains(d, "facts/") || strings.Contains(d, "results/") {
					t.Errorf("report of a %s host left %s", tc.name, d)
				}
			}
		})
	}
}
