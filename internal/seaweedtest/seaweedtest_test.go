package seaweedtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

var shared Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := shared.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func TestBinary(t *testing.T) {
	home := t.TempDir()
	t.Setenv(BinEnv, "")
	t.Setenv("HOME", home)
	want := filepath.Join(home, ".cache", "auditfleet", "bin", "weed")
	if _, err := Binary(); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), InstallCommand) {
		t.Fatalf("Binary() without weed = %v, want an error naming %s and the install command", err, want)
	}
}

func TestFreePorts(t *testing.T) {
	ports, err := freePorts(4)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] || p+grpcOffset > 65535 {
			t.Errorf("ports %v: %d repeated or without room for its gRPC port", ports, p)
		}
		seen[p] = true
	}
}

// TestServer runs the shared server through what the storage tests need:
// buckets with and without versioning and object lock, and objects.
func TestServer(t *testing.T) {
	s := shared.Server(t)
	ctx := context.Background()
	tests := []struct {
		versioning, lock bool
		want             string
	}{
		{false, false, ""},
		{true, false, minio.Enabled},
		{false, true, minio.Enabled},
	}
	for _, tt := range tests {
		name := s.NewBucket(t, tt.versioning, tt.lock)
		v, err := s.Client().GetBucketVersioning(ctx, name)
		if err != nil || v.Status != tt.want {
			t.Errorf("versioning of bucket (versioning %v, lock %v) = %q, %v; want %q", tt.versioning, tt.lock, v.Status, err, tt.want)
		}
		enabled, _, _, _, err := s.Client().GetObjectLockConfig(ctx, name)
		if got := err == nil && enabled == "Enabled"; got != tt.lock {
			t.Errorf("object lock of bucket (lock %v) = %q, %v", tt.lock, enabled, err)
		}
		if _, err := s.Client().PutObject(ctx, name, "k", bytes.NewReader([]byte("v")), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatalf("put: %v", err)
		}
		obj, err := s.Client().GetObject(ctx, name, "k", minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		obj.Close()
		if err != nil || string(got) != "v" {
			t.Fatalf("get = %q, %v; want %q", got, err, "v")
		}
	}
	// The identity file is in force: other credentials are refused.
	other, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, "wrong-secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.ListBuckets(ctx); err == nil {
		t.Error("ListBuckets with a wrong secret succeeded")
	}
}

// TestStopRemovesEverything checks that Stop ends the process and removes
// its directory.
func TestStopRemovesEverything(t *testing.T) {
	s := shared.Server(t)
	if err := shared.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Stop returned before the process exited")
	}
	if _, err := os.Stat(s.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data directory %s after Stop: %v, want it removed", s.Dir, err)
	}
}
