package miniotest

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
	"time"

	"github.com/minio/minio-go/v7"
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
	want := filepath.Join(home, ".cache", "auditfleet", "bin", "minio")
	if _, err := Binary(); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), InstallCommand) {
		t.Fatalf("Binary() without MinIO = %v, want an error naming %s and the install command", err, want)
	}
}

// TestServer runs the shared server through what the storage tests need:
// buckets with and without versioning and object lock, objects, a policy.
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
		_, _, _, _, err = s.Client().GetObjectLockConfig(ctx, name)
		if (err == nil) != tt.lock {
			t.Errorf("object lock config of bucket (lock %v): %v", tt.lock, err)
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
	name := s.NewBucket(t, false, false)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + name + `/*"}]}`
	s.SetBucketPolicy(t, name, policy)
	if got, err := s.Client().GetBucketPolicy(ctx, name); err != nil || got == "" {
		t.Fatalf("GetBucketPolicy after SetBucketPolicy = %q, %v", got, err)
	}
}

// TestStopRemovesEverything starts a second, private server with TLS and
// checks that Stop ends the process and removes its directory.
func TestStopRemovesEverything(t *testing.T) {
	s, err := Start(context.Background(), Options{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.CAFile == "" {
		t.Error("a TLS server has no CAFile")
	}
	// The client trusts the server's certificate.
	if _, err := s.Client().ListBuckets(context.Background()); err != nil {
		t.Errorf("ListBuckets over TLS: %v", err)
	}
	if err := s.Stop(); err != nil {
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

// TestHaltResume: a halted server refuses requests; resumed, it serves
// the objects written before on the same address.
func TestHaltResume(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	bucket := s.NewBucket(t, false, false)
	body := []byte("kept across the outage")
	if _, err := s.Client().PutObject(ctx, bucket, "k", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Resume(ctx); err == nil {
		t.Fatal("Resume of a running server succeeded")
	}
	if err := s.Halt(); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err = s.Client().StatObject(short, bucket, "k", minio.StatObjectOptions{})
	cancel()
	if err == nil {
		t.Fatal("a halted server answered")
	}
	if err := s.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	o, err := s.Client().GetObject(ctx, bucket, "k", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(o)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("after resume: %q, %v; want %q", got, err, body)
	}
}
