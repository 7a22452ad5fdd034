package seaweedtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// BinEnv names the environment variable that points at the weed binary.
const BinEnv = "AUDITFLEET_SEAWEEDFS_BIN"

// Module is the SeaweedFS module and version the tests are run with (the
// Makefile's SEAWEEDFS_MODULE and SEAWEEDFS_VERSION).
const Module = "github.com/seaweedfs/seaweedfs@v0.0.0-20261109003541-7506e5f91cd6"

// InstallCommand builds the weed binary where Binary looks for it. `go
// install` refuses the module (it has replace directives), so the
// Makefile builds ./weed inside a writable copy of the downloaded module.
const InstallCommand = "make seaweedfs"

// grpcOffset is how far above each HTTP port SeaweedFS opens the matching
// gRPC port when none is given.
const grpcOffset = 10000

// How long Start waits for the server to accept a write, and Stop for it
// to exit after SIGTERM before killing it.
const (
	readyTimeout = 90 * time.Second
	stopTimeout  = 10 * time.Second
)

// Binary returns the path of the weed binary: $AUDITFLEET_SEAWEEDFS_BIN if
// set, else $HOME/.cache/auditfleet/bin/weed. The error says how to
// install it.
func Binary() (string, error) {
	if p := os.Getenv(BinEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("seaweedfs binary from %s: %w; unset it or build SeaweedFS with: %s", BinEnv, err, InstallCommand)
		}
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find seaweedfs binary: %w; set %s or build SeaweedFS with: %s", err, BinEnv, InstallCommand)
	}
	p := filepath.Join(home, ".cache", "auditfleet", "bin", "weed")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("seaweedfs binary not found (%s unset, %s: %w); build it with: %s", BinEnv, p, err, InstallCommand)
	}
	return p, nil
}

// Server is a running SeaweedFS server with its own data directory and an
// S3 identity with random credentials and every permission.
type Server struct {
	// Endpoint is the server's S3 address, host:port.
	Endpoint string
	// AccessKey and SecretKey are the credentials of the S3 identity.
	AccessKey, SecretKey string
	// CAFile is always empty: the server speaks plain http. It is here so
	// that tests treat both S3 servers alike.
	CAFile string

	dir     string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
	client  *minio.Client
	buckets atomic.Int64
}

// identity is the S3 identity file (-s3.config) of one admin identity.
type identity struct {
	Identities []identityEntry `json:"identities"`
}

type identityEntry struct {
	Name        string       `json:"name"`
	Credentials []credential `json:"credentials"`
	Actions     []string     `json:"actions"`
}

type credential struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
}

// Start starts a SeaweedFS server on free ports of 127.0.0.1 and waits
// until its S3 gateway stores objects. The caller owns it and must call
// Stop.
func Start(ctx context.Context) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // a free port can be taken between choosing and binding it
		s, err := start(ctx, bin)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil || !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

func start(ctx context.Context, bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "seaweedtest-")
	if err != nil {
		return nil, fmt.Errorf("start seaweedfs: %w", err)
	}
	// master, volume server, filer, S3 gateway: each HTTP port with its
	// gRPC port at +10000.
	ports, err := freePorts(4)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		Endpoint:  net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[3])),
		AccessKey: "af" + randomHex(8),
		SecretKey: randomHex(20),
		dir:       dir,
		done:      make(chan struct{}),
	}
	id, err := json.Marshal(identity{Identities: []identityEntry{{
		Name:        "auditfleet-test",
		Credentials: []credential{{AccessKey: s.AccessKey, SecretKey: s.SecretKey}},
		Actions:     []string{"Admin", "Read", "List", "Tagging", "Write"},
	}}})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start seaweedfs: %w", err)
	}
	idFile := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(idFile, id, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start seaweedfs: %w", err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start seaweedfs: %w", err)
	}
	logf, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start seaweedfs: %w", err)
	}
	defer logf.Close() // the child has its own descriptor
	port := func(p int) string { return strconv.Itoa(p) }
	s.cmd = exec.Command(bin, "server",
		"-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir="+data,
		"-master.port="+port(ports[0]), "-master.dir="+data,
		"-master.volumeSizeLimitMB=64", "-master.telemetry=false",
		"-volume.port="+port(ports[1]), "-volume.max=0", "-volume.preStopSeconds=0",
		"-filer", "-filer.port="+port(ports[2]), "-filer.localSocket="+filepath.Join(dir, "filer.sock"),
		"-s3", "-s3.port="+port(ports[3]), "-s3.config="+idFile,
		"-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.localSocket="+filepath.Join(dir, "s3.sock"),
	)
	s.cmd.Dir = dir
	s.cmd.Env = []string{
		"HOME=" + dir, // keep configuration lookups out of the real home
		// One volume per bucket (collection) instead of seven: every
		// test makes its own bucket.
		"WEED_MASTER_VOLUME_GROWTH_COPY_1=1",
	}
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	setProcAttr(s.cmd)
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start seaweedfs %s: %w", bin, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	s.client, err = minio.New(s.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Transport: &http.Transport{},
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("seaweedfs client: %w", err), s.Stop())
	}
	if err := s.waitReady(ctx); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

// waitReady waits until the S3 gateway creates a bucket and stores an
// object in it: the gateway answers before the volume server has
// registered with the master, and until then writes fail.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	const bucket = "ready"
	var lastErr error
	for {
		err := s.client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
		if err == nil || minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" || minio.ToErrorResponse(err).Code == "BucketAlreadyExists" {
			_, err = s.client.PutObject(ctx, bucket, "k", strings.NewReader("ready"), 5, minio.PutObjectOptions{})
			if err == nil {
				return nil
			}
		}
		lastErr = err
		select {
		case <-s.done:
			return fmt.Errorf("seaweedfs exited before it was ready (%v): %s", s.waitErr, s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("seaweedfs not ready at %s: %w (last: %v): %s", s.Endpoint, ctx.Err(), lastErr, s.logTail())
		case <-tick.C:
		}
	}
}

// logTail returns the end of the server's log, for error messages.
func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "weed.log"))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const max = 2048
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return strings.TrimSpace(string(b))
}

// Stop stops the server (SIGTERM, then a kill if it has not exited within
// a few seconds), waits for it and removes its data directory.
func (s *Server) Stop() error {
	select {
	case <-s.done:
	default:
		if runtime.GOOS == "windows" {
			_ = s.cmd.Process.Kill()
		} else {
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
		}
		select {
		case <-s.done:
		case <-time.After(stopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("remove seaweedfs data: %w", err)
	}
	return nil
}

// Client returns a client with the server's credentials.
func (s *Server) Client() *minio.Client { return s.client }

// CreateBucket creates a bucket, with versioning enabled if versioning is
// set and with object lock (which implies versioning) if objectLock is.
func (s *Server) CreateBucket(t testing.TB, name string, versioning, objectLock bool) {
	t.Helper()
	ctx := context.Background()
	if err := s.client.MakeBucket(ctx, name, minio.MakeBucketOptions{ObjectLocking: objectLock}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	if versioning && !objectLock {
		if err := s.client.EnableVersioning(ctx, name); err != nil {
			t.Fatalf("enable versioning on %s: %v", name, err)
		}
	}
}

// NewBucket creates a bucket with a name no other test of this server
// uses, as CreateBucket does, and returns the name.
func (s *Server) NewBucket(t testing.TB, versioning, objectLock bool) string {
	t.Helper()
	name := fmt.Sprintf("test-%d-%s", s.buckets.Add(1), randomHex(4))
	s.CreateBucket(t, name, versioning, objectLock)
	return name
}

// Shared is one server for a whole test package, started by the first
// test that needs it and stopped by its owner, the package's TestMain:
//
//	var seaweed seaweedtest.Shared
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		if err := seaweed.Stop(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			code = 1
//		}
//		os.Exit(code)
//	}
type Shared struct {
	mu  sync.Mutex
	srv *Server
	err error // why the server could not start; every later test fails with it
}

// Server returns the package's server, starting it on first use. It fails
// the test if the server cannot start (e.g. the binary is not installed).
func (sh *Shared) Server(t testing.TB) *Server {
	t.Helper()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.srv == nil && sh.err == nil {
		sh.srv, sh.err = Start(context.Background())
	}
	if sh.err != nil {
		t.Fatalf("start seaweedfs: %v", sh.err)
	}
	return sh.srv
}

// Stop stops the server if one was started.
func (sh *Shared) Stop() error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.srv == nil {
		return nil
	}
	err := sh.srv.Stop()
	sh.srv = nil
	return err
}

// freePorts returns n distinct ports p of 127.0.0.1 below 55535 that are
// free together with p+10000, where SeaweedFS puts each gRPC port.
func freePorts(n int) ([]int, error) {
	var ports []int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for tries := 0; len(ports) < n; tries++ {
		if tries == 200 {
			return nil, fmt.Errorf("find %d free port pairs (p, p+%d) on 127.0.0.1: none after %d tries", n, grpcOffset, tries)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		if p+grpcOffset > 65535 {
			l.Close()
			continue
		}
		g, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+grpcOffset)))
		if err != nil {
			l.Close()
			continue
		}
		held = append(held, l, g)
		ports = append(ports, p)
	}
	return ports, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}
