package miniotest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// BinEnv names the environment variable that points at the MinIO binary.
const BinEnv = "AUDITFLEET_MINIO_BIN"

// Module is the MinIO server module and version the tests are run with.
const Module = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// InstallCommand installs the MinIO binary where Binary looks for it.
const InstallCommand = "GOBIN=$HOME/.cache/auditfleet/bin go install " + Module

// How long Start waits for the server to become ready, and Stop for it to
// exit after SIGTERM before killing it.
const (
	readyTimeout = 60 * time.Second
	stopTimeout  = 10 * time.Second
)

// Binary returns the path of the MinIO server binary: $AUDITFLEET_MINIO_BIN
// if set, else $HOME/.cache/auditfleet/bin/minio. The error says how to
// install it.
func Binary() (string, error) {
	if p := os.Getenv(BinEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("minio binary from %s: %w; unset it or install MinIO with: %s", BinEnv, err, InstallCommand)
		}
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find minio binary: %w; set %s or install MinIO with: %s", err, BinEnv, InstallCommand)
	}
	p := filepath.Join(home, ".cache", "auditfleet", "bin", "minio")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("minio binary not found (%s unset, %s: %w); install it with: %s", BinEnv, p, err, InstallCommand)
	}
	return p, nil
}

// Options change how Start runs the server.
type Options struct {
	// TLS serves https with a new self-signed certificate for 127.0.0.1,
	// whose PEM file is Server.CAFile.
	TLS bool
}

// Server is a running MinIO server with its own data directory and random
// root credentials.
type Server struct {
	// Endpoint is the server's S3 address, host:port.
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// CAFile is the PEM certificate to trust when the server runs TLS;
	// empty otherwise.
	CAFile string

	dir     string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
	// What launch needs to start the process again (Resume).
	bin, consoleAddr string
	tlsConfig        *tls.Config
	client           *minio.Client
	buckets          atomic.Int64
}

// Start starts a MinIO server on free ports of 127.0.0.1 and waits until
// it is ready. The caller owns it and must call Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // a free port can be taken between choosing and binding it
		s, err := start(ctx, bin, opts)
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

func start(ctx context.Context, bin string, opts Options) (*Server, error) {
	dir, err := os.MkdirTemp("", "miniotest-")
	if err != nil {
		return nil, fmt.Errorf("start minio: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	consoleAddr, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "minio.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start minio: %w", err)
	}
	logf.Close()
	s := &Server{
		Endpoint:  addr,
		AccessKey: "af" + randomHex(8),
		SecretKey: randomHex(20),
		dir:       dir,
		done:      make(chan struct{}),
	}
	var tlsConfig *tls.Config
	if opts.TLS {
		if tlsConfig, err = s.makeCert(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	s.bin, s.consoleAddr, s.tlsConfig = bin, consoleAddr, tlsConfig
	if err := s.launch(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	transport := &http.Transport{TLSClientConfig: tlsConfig}
	defer transport.CloseIdleConnections()
	if err := s.waitReady(ctx, &http.Client{Transport: transport}); err != nil {
		stopErr := s.Stop()
		return nil, errors.Join(err, stopErr)
	}
	s.client, err = minio.New(addr, &minio.Options{
		Creds:     credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:    opts.TLS,
		Transport: &http.Transport{TLSClientConfig: tlsConfig},
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("minio client: %w", err), s.Stop())
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, client *http.Client) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	scheme := "http://"
	if s.CAFile != "" {
		scheme = "https://"
	}
	url := scheme + s.Endpoint + "/minio/health/ready"
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("minio exited before it was ready (%v): %s", s.waitErr, s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("minio not ready at %s: %w: %s", url, ctx.Err(), s.logTail())
		case <-tick.C:
		}
	}
}

// launch starts the MinIO process on s's data directory and addresses,
// appending to its log, and starts the goroutine that waits for it.
func (s *Server) launch() error {
	logf, err := os.OpenFile(filepath.Join(s.dir, "minio.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("start minio: %w", err)
	}
	defer logf.Close() // the child has its own descriptor
	s.cmd = exec.Command(s.bin, "server", filepath.Join(s.dir, "data"),
		"--address", s.Endpoint, "--console-address", s.consoleAddr,
		"--certs-dir", filepath.Join(s.dir, "certs"), "--quiet")
	s.cmd.Env = []string{
		"MINIO_ROOT_USER=" + s.AccessKey,
		"MINIO_ROOT_PASSWORD=" + s.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"HOME=" + s.dir, // keep ~/.minio out of the real home
	}
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	setProcAttr(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start minio %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	s.done = done
	cmd := s.cmd
	go func() {
		s.waitErr = cmd.Wait()
		close(done)
	}()
	return nil
}

// Halt stops the server process (as Stop does) but keeps its data, so
// that Resume can start it again: an object store outage.
func (s *Server) Halt() error {
	s.halt()
	return nil
}

// Resume starts a halted server again on the same data, address and
// credentials, and waits until it is ready.
func (s *Server) Resume(ctx context.Context) error {
	select {
	case <-s.done:
	default:
		return errors.New("resume minio: it is still running")
	}
	var err error
	for range 20 { // the old process's port may take a moment to be free
		if err = s.launch(); err != nil {
			return err
		}
		transport := &http.Transport{TLSClientConfig: s.tlsConfig}
		err = s.waitReady(ctx, &http.Client{Transport: transport})
		transport.CloseIdleConnections()
		if err == nil {
			return nil
		}
		s.halt()
		if ctx.Err() != nil || !strings.Contains(err.Error(), "address already in use") {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("resume minio: %w", err)
}

// halt ends the process: SIGTERM, then a kill if it has not exited within
// stopTimeout.
func (s *Server) halt() {
	select {
	case <-s.done:
		return
	default:
	}
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

// makeCert writes a self-signed certificate for 127.0.0.1 where MinIO
// looks for it, sets CAFile, and returns a client configuration trusting it.
func (s *Server) makeCert() (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("make certificate: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "miniotest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("make certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("make certificate: %w", err)
	}
	certs := filepath.Join(s.dir, "certs")
	if err := os.MkdirAll(certs, 0o700); err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	s.CAFile = filepath.Join(certs, "public.crt")
	if err := os.WriteFile(s.CAFile, certPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(certs, "private.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// logTail returns the end of the server's log, for error messages.
func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "minio.log"))
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
	s.halt()
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("remove minio data: %w", err)
	}
	return nil
}

// Client returns a client with the root credentials.
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

// SetBucketPolicy sets a bucket's policy document (JSON; empty removes it).
func (s *Server) SetBucketPolicy(t testing.TB, bucket, policy string) {
	t.Helper()
	if err := s.client.SetBucketPolicy(context.Background(), bucket, policy); err != nil {
		t.Fatalf("set policy of bucket %s: %v", bucket, err)
	}
}

// Shared is one server for a whole test package, started by the first
// test that needs it and stopped by its owner, the package's TestMain:
//
//	var minioServer miniotest.Shared
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		if err := minioServer.Stop(); err != nil {
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
		sh.srv, sh.err = Start(context.Background(), Options{})
	}
	if sh.err != nil {
		t.Fatalf("start minio: %v", sh.err)
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

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = io.ReadFull(rand.Reader, b)
	return hex.EncodeToString(b)
}
