package server_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/cycle"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// TestServeStopsWhenCloserFails: the HTTP server and the cycle closer are
// one group, so a closer that cannot run stops the server at once with
// its error, instead of serving on without cycles.
func TestServeStopsWhenCloserFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newDirServer(t)
	var err error
	// 29 February: no cycle started in the year before 2026-09-01 (the
	// last was in 2024), so the closer cannot find its current cycle.
	if s.Closer.Schedule, err = cycle.Parse("0 0 29 2 *"); err != nil {
		t.Fatal(err)
	}
	s.SetClock(func() time.Time { return time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC) })
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, nil) }()
	select {
	case err := <-served:
		if err == nil || !strings.Contains(err.Error(), "cycle closer") {
			t.Fatalf("Serve = %v, want the cycle closer's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve still running 30s after its cycle closer failed")
	}
}

// TestServeStopsWithContext: ending the context shuts the group down
// cleanly.
func TestServeStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newDirServer(t)
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ready) }()
	<-ready
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve after cancel = %v, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve still running 30s after its context ended")
	}
}

// newDirServer assembles a server on a new directory store, listening on
// a free loopback port.
func newDirServer(t *testing.T) *server.Server {
	t.Helper()
	st, err := dirstore.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default(t.TempDir())
	cfg.Listen = "127.0.0.1:0"
	s, err := server.New(context.Background(), cfg, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
