package server_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// TestBootstrapTokenExpires: the first admin token gets the configured
// default lifetime like every person's token (before, it never expired).
func TestBootstrapTokenExpires(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "store")
	st, err := dirstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default(dir)
	cfg.Tokens.DefaultTTLDays = 7
	s, err := server.New(ctx, cfg, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	clock := start
	s.SetClock(func() time.Time { return clock })
	path := filepath.Join(t.TempDir(), "admin-token")
	if created, err := s.Bootstrap(ctx, path); err != nil || !created {
		t.Fatalf("Bootstrap = %v, %v", created, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(b))
	if _, err := s.Tokens.Authenticate(ctx, secret); err != nil {
		t.Fatalf("bootstrap token: %v", err)
	}
	clock = start.Add(7*24*time.Hour + time.Second)
	if _, err := s.Tokens.Authenticate(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("bootstrap token after 7 days: %v, want ErrUnauthenticated", err)
	}
	if err := s.Audit.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
