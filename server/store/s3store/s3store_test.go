package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/auditfleet/auditfleet/internal/miniotest"
	"github.com/auditfleet/auditfleet/internal/seaweedtest"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/internal/storetest"
)

// The S3 servers of this package's tests, one of each.
var (
	minioServer   miniotest.Shared
	seaweedServer seaweedtest.Shared
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, stop := range []func() error{minioServer.Stop, seaweedServer.Stop} {
		if err := stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// endpoint is an S3 server of the tests: its address, credentials and a
// way to make a new bucket on it.
type endpoint struct {
	addr, accessKey, secretKey string
	newBucket                  func(t testing.TB, versioning, objectLock bool) string
}

// servers are the S3 implementations the conformance suite and the probe
// run against.
var servers = []struct {
	name string
	get  func(t *testing.T) endpoint
}{
	{"minio", func(t *testing.T) endpoint {
		srv := minioServer.Server(t)
		return endpoint{srv.Endpoint, srv.AccessKey, srv.SecretKey, srv.NewBucket}
	}},
	{"seaweedfs", func(t *testing.T) endpoint {
		srv := seaweedServer.Server(t)
		return endpoint{srv.Endpoint, srv.AccessKey, srv.SecretKey, srv.NewBucket}
	}},
}

// bucketKinds are the bucket configurations the suite runs on.
var bucketKinds = []struct {
	name             string
	versioning, lock bool
}{
	{"plain", false, false},
	{"versioned", true, false},
	{"object-lock", true, true},
}

// newStoreOn returns a Store on a new bucket of ep, wrapping its transport
// with wrap if that is not nil.
func newStoreOn(t *testing.T, ep endpoint, versioning, objectLock bool, mode string, wrap func(http.RoundTripper) http.RoundTripper) *Store {
	t.Helper()
	bucket := ep.newBucket(t, versioning, objectLock)
	s, err := build(Config{
		Endpoint:      ep.addr,
		Bucket:        bucket,
		PathStyle:     true,
		AccessKey:     ep.accessKey,
		SecretKey:     ep.secretKey,
		RetentionMode: mode,
	}, wrap)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newStore returns a Store on a new bucket of the shared MinIO server.
func newStore(t *testing.T, versioning, objectLock bool, mode string) *Store {
	t.Helper()
	srv := minioServer.Server(t)
	return newStoreOn(t, endpoint{srv.Endpoint, srv.AccessKey, srv.SecretKey, srv.NewBucket}, versioning, objectLock, mode, nil)
}

// TestConformance runs the store contract on every server and bucket
// kind, each store probed first as the server probes it at start.
func TestConformance(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			ep := srv.get(t)
			for _, kind := range bucketKinds {
				t.Run(kind.name, func(t *testing.T) {
					storetest.Run(t, func(t *testing.T) store.Backend {
						s := newStoreOn(t, ep, kind.versioning, kind.lock, "", nil)
						if _, err := s.Probe(context.Background()); err != nil {
							t.Fatalf("Probe = %v", err)
						}
						return s
					})
				})
			}
		})
	}
}

func put(t *testing.T, s *Store, key, data string, opts store.PutOptions) store.Object {
	t.Helper()
	obj, err := s.Put(context.Background(), key, strings.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("Put(%q) = %v", key, err)
	}
	return obj
}

// TestCheckRefusesPublicBucket sets the policies mc and the AWS console
// write on real buckets and checks that Check reports them public.
func TestCheckRefusesPublicBucket(t *testing.T) {
	ctx := context.Background()
	srv := minioServer.Server(t)
	docs := map[string]func(bucket string) string{
		"none": func(string) string { return "" },
		"AWS public read": func(b string) string {
			return `{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + b + `/*"}]}`
		},
		"list only": func(b string) string {
			return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::` + b + `"]}]}`
		},
	}
	for _, m := range mcModes {
		docs["mc anonymous set "+m.mode] = func(b string) string { return mcDocument(t, m.policy, b) }
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			s := newStore(t, true, false, "")
			srv.SetBucketPolicy(t, s.Bucket(), doc(s.Bucket()))
			state, err := s.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantPublic := name != "none"
			if state.Public != wantPublic {
				t.Fatalf("Check with policy %s = %+v, want public %v", name, state, wantPublic)
			}
			if err := state.Usable(); wantPublic != errors.Is(err, store.ErrPublicBucket) {
				t.Fatalf("Usable() = %v, want ErrPublicBucket %v", err, wantPublic)
			}
			if !state.Exists || state.Versioning != store.VersioningEnabled || state.ObjectLock {
				t.Errorf("Check = %+v, want an existing versioned bucket without lock", state)
			}
		})
	}
}

func TestCheckBucketState(t *testing.T) {
	ctx := context.Background()
	srv := minioServer.Server(t)
	tests := []struct {
		name             string
		versioning, lock bool
		want             store.BucketState
	}{
		{"plain", false, false, store.BucketState{Exists: true, Versioning: store.VersioningOff}},
		{"versioned", true, false, store.BucketState{Exists: true, Versioning: store.VersioningEnabled}},
		{"locked", true, true, store.BucketState{Exists: true, Versioning: store.VersioningEnabled, ObjectLock: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, tt.versioning, tt.lock, "")
			got, err := s.Check(ctx)
			tt.want.Name = s.Bucket()
			if err != nil || got != tt.want {
				t.Fatalf("Check = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	t.Run("suspended", func(t *testing.T) {
		s := newStore(t, true, false, "")
		if err := srv.Client().SuspendVersioning(ctx, s.Bucket()); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Check(ctx); err != nil || got.Versioning != store.VersioningSuspended {
			t.Fatalf("Check = %+v, %v; want versioning suspended", got, err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		s, err := New(Config{Endpoint: srv.Endpoint, Bucket: "no-such-bucket", PathStyle: true, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Check(ctx)
		if err != nil || got.Exists || !errors.Is(got.Usable(), store.ErrNotFound) {
			t.Fatalf("Check of a missing bucket = %+v, %v; want it missing", got, err)
		}
	})
	t.Run("wrong credentials", func(t *testing.T) {
		s, err := New(Config{Endpoint: srv.Endpoint, Bucket: "x", PathStyle: true, AccessKey: "nobody", SecretKey: "wrong-secret"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Check(ctx); err == nil {
			t.Fatal("Check with wrong credentials = nil error, want one")
		}
	})
}

// TestWriteOnceIsIfNoneMatch shows the protocol under ErrExists: MinIO
// answers a second PUT with If-None-Match: * with 412.
func TestWriteOnceIsIfNoneMatch(t *testing.T) {
	ctx := context.Background()
	srv := minioServer.Server(t)
	bucket := srv.NewBucket(t, false, false)
	var opts minio.PutObjectOptions
	opts.SetMatchETagExcept("*")
	if _, err := srv.Client().PutObject(ctx, bucket, "k", strings.NewReader("a"), 1, opts); err != nil {
		t.Fatal(err)
	}
	_, err := srv.Client().PutObject(ctx, bucket, "k", strings.NewReader("b"), 1, opts)
	var er minio.ErrorResponse
	if !errors.As(err, &er) || er.StatusCode != http.StatusPreconditionFailed || er.Code != "PreconditionFailed" {
		t.Fatalf("second PUT with If-None-Match: * = %v, want 412 PreconditionFailed", err)
	}
}

// corrupter flips one byte in the body of every GET response.
type corrupter struct{ next http.RoundTripper }

func (c corrupter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || resp.StatusCode != http.StatusOK || req.URL.RawQuery != "" {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if len(b) > 0 {
		b[len(b)/2] ^= 0x20
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

func TestGetDetectsCorruption(t *testing.T) {
	ctx := context.Background()
	srv := minioServer.Server(t)
	good := newStore(t, true, false, "")
	put(t, good, "facts/k.json", `{"facts":"as collected"}`, store.PutOptions{WriteOnce: true})
	bad, err := build(Config{Endpoint: srv.Endpoint, Bucket: good.Bucket(), PathStyle: true, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey},
		func(rt http.RoundTripper) http.RoundTripper { return corrupter{rt} })
	if err != nil {
		t.Fatal(err)
	}
	readAll := func(s *Store, key string) error {
		rc, _, err := s.Get(ctx, key)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.ReadAll(rc)
		return err
	}
	if err := readAll(good, "facts/k.json"); err != nil {
		t.Fatalf("Get through a clean connection = %v", err)
	}
	if err := readAll(bad, "facts/k.json"); !errors.Is(err, store.ErrChecksum) {
		t.Fatalf("Get of bytes corrupted in transit = %v, want ErrChecksum", err)
	}
	// An object stored without a SHA-256 (not by this package) cannot be
	// verified, so it is refused.
	if _, err := srv.Client().PutObject(ctx, good.Bucket(), "foreign", strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := readAll(good, "foreign"); !errors.Is(err, store.ErrChecksum) {
		t.Fatalf("Get of an object without a SHA-256 = %v, want ErrChecksum", err)
	}
}

func TestHeldOldVersionBlocksDelete(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, true, true, "")
	put(t, s, "k", "v1", store.PutOptions{})
	if err := s.SetLegalHold(ctx, "k", true); err != nil {
		t.Fatal(err)
	}
	put(t, s, "k", "v2", store.PutOptions{}) // a new version, not held
	err := s.Delete(ctx, "k")
	if !errors.Is(err, store.ErrLegalHold) || !strings.Contains(err.Error(), "k") {
		t.Fatalf("Delete with a held old version = %v, want ErrLegalHold naming the key", err)
	}
	if vs, err := s.Versions(ctx, "k"); err != nil || len(vs) != 2 {
		t.Fatalf("Versions after refused Delete = %d, %v; want both versions kept", len(vs), err)
	}
	if err := s.SetLegalHold(ctx, "k", false); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if vs, err := s.Versions(ctx, "k"); err != nil || len(vs) != 0 {
		t.Fatalf("Versions after Delete = %+v, %v; want none", vs, err)
	}
}

func TestComplianceRetentionBlocksDelete(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, true, true, Compliance)
	until := time.Now().Add(time.Hour)
	put(t, s, "k", "evidence", store.PutOptions{WriteOnce: true, Retain: until})
	mode, got, err := s.client.GetObjectRetention(ctx, s.Bucket(), "k", "")
	if err != nil || mode == nil || *mode != minio.Compliance || got == nil || got.Before(until.Add(-time.Second)) {
		t.Fatalf("retention of the object = %v %v, %v; want compliance until %v", mode, got, err, until)
	}
	if err := s.Delete(ctx, "k"); !errors.Is(err, store.ErrRetained) {
		t.Fatalf("Delete under compliance retention = %v, want ErrRetained", err)
	}
	if _, err := s.Stat(ctx, "k"); err != nil {
		t.Fatalf("Stat after refused Delete = %v, want the object kept", err)
	}
}

func TestDeleteRemovesDeleteMarkers(t *testing.T) {
	ctx := context.Background()
	srv := minioServer.Server(t)
	s := newStore(t, true, false, "")
	put(t, s, "k", "v1", store.PutOptions{})
	// Someone deletes it the S3 way: a delete marker hides the version.
	if err := srv.Client().RemoveObject(ctx, s.Bucket(), "k", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Stat behind a delete marker = %v, want ErrNotFound", err)
	}
	if vs, _ := s.Versions(ctx, "k"); len(vs) != 2 {
		t.Fatalf("Versions = %d, want the version and the delete marker", len(vs))
	}
	if err := s.Delete(ctx, "k"); err != nil {
		t.Fatalf("Delete of a key hidden by a delete marker = %v, want its versions removed", err)
	}
	if vs, err := s.Versions(ctx, "k"); err != nil || len(vs) != 0 {
		t.Fatalf("Versions after Delete = %+v, %v; want none", vs, err)
	}
}

func TestRetentionIgnoredWithoutLock(t *testing.T) {
	s := newStore(t, true, false, "")
	put(t, s, "k", "x", store.PutOptions{Retain: time.Now().Add(time.Hour)})
	if err := s.Delete(context.Background(), "k"); err != nil {
		t.Fatalf("Delete of an object put with Retain on a bucket without lock = %v", err)
	}
}

func TestCredentialsFromEnvironment(t *testing.T) {
	srv := minioServer.Server(t)
	bucket := srv.NewBucket(t, false, false)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	s, err := New(Config{Endpoint: srv.Endpoint, Bucket: bucket, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	if state, err := s.Check(context.Background()); err != nil || !state.Exists {
		t.Fatalf("Check with credentials from the environment = %+v, %v", state, err)
	}
}

func TestTLS(t *testing.T) {
	ctx := context.Background()
	srv, err := miniotest.Start(ctx, miniotest.Options{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
	}()
	bucket := srv.NewBucket(t, true, false)
	cfg := Config{Endpoint: srv.Endpoint, Bucket: bucket, UseTLS: true, PathStyle: true, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CAFile: srv.CAFile}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "k", "over TLS", store.PutOptions{WriteOnce: true})
	if _, err := s.Stat(ctx, "k"); err != nil {
		t.Fatalf("Stat over TLS = %v", err)
	}
	// Without the CA the server's certificate is not trusted.
	cfg.CAFile = ""
	untrusting, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := untrusting.Check(ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Check without the CA = %v, want a certificate error", err)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no endpoint", Config{Bucket: "b"}, "endpoint and bucket"},
		{"no bucket", Config{Endpoint: "h:9000"}, "endpoint and bucket"},
		{"scheme", Config{Endpoint: "https://h", Bucket: "b"}, "without a scheme"},
		{"retention mode", Config{Endpoint: "h", Bucket: "b", RetentionMode: "forever"}, "retention mode"},
		{"missing CA", Config{Endpoint: "h", Bucket: "b", UseTLS: true, CAFile: filepath.Join(dir, "none.pem")}, "CA file"},
		{"garbage CA", Config{Endpoint: "h", Bucket: "b", UseTLS: true, CAFile: garbage}, "no PEM certificates"},
		{"CA without TLS", Config{Endpoint: "h", Bucket: "b", CAFile: garbage}, "use_tls is off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%+v) = %v, want an error mentioning %q", tt.cfg, err, tt.want)
			}
		})
	}
}

func TestConfigLogHidesSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("storage", "s3", Config{Endpoint: "h:9000", Bucket: "b", AccessKey: "AKIDEXAMPLE", SecretKey: "wJalrXUtnFEMI", SessionToken: "FwoGZXIvYXdzE"})
	out := buf.String()
	if strings.Contains(out, "wJalrXUtnFEMI") || strings.Contains(out, "FwoGZXIvYXdzE") {
		t.Fatalf("logged config shows a secret: %s", out)
	}
	if !strings.Contains(out, "AKIDEXAMPLE") || !strings.Contains(out, "h:9000") {
		t.Fatalf("logged config lacks the endpoint or access key: %s", out)
	}
}
