package miniotest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/testserver"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// BinEnv names the environment variable that points at the MinIO binary.
const BinEnv = "AUDITFLEET_MINIO_BIN"

// Module is the MinIO server module and version the tests are run with.
const Module = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// InstallCommand installs the MinIO binary where Binary looks for it.
const InstallCommand = "GOBIN=$HOME/.cache/auditfleet/bin go install " + Module

// readyTimeout is how long Start waits for the server to become ready.
const readyTimeout = 60 * time.Second

// Binary returns the path of the MinIO server binary: $AUDITFLEET_MINIO_BIN
// if set, else $HOME/.cache/auditfleet/bin/minio. The error says how to
// install it.
func Binary() (string, error) {
	return testserver.Binary("minio", BinEnv, "minio", InstallCommand)
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

	// Process is the server's process; its Stop stops the server and
	// removes its data.
	*testserver.Process
	// Buckets makes buckets; its Client has the root credentials.
	*testserver.Buckets

	tlsConfig *tls.Config // the client configuration waitReady needs
}

// Start starts a MinIO server on free ports of 127.0.0.1 and waits until
// it is ready. The caller owns it and must call Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	return testserver.Retry(ctx, func() (*Server, error) { return start(ctx, bin, opts) })
}

func start(ctx context.Context, bin string, opts Options) (*Server, error) {
	dir, err := os.MkdirTemp("", "miniotest-")
	if err != nil {
		return nil, fmt.Errorf("start minio: %w", err)
	}
	addr, err := testserver.FreeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	consoleAddr, err := testserver.FreeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		Endpoint:  addr,
		AccessKey: "af" + testserver.RandomHex(8),
		SecretKey: testserver.RandomHex(20),
	}
	var tlsConfig *tls.Config
	if opts.TLS {
		if tlsConfig, err = s.makeCert(dir); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	s.Process, err = testserver.Start("minio", dir, "minio.log", bin,
		[]string{"server", filepath.Join(dir, "data"),
			"--address", addr, "--console-address", consoleAddr,
			"--certs-dir", filepath.Join(dir, "certs"), "--quiet"},
		[]string{
			"MINIO_ROOT_USER=" + s.AccessKey,
			"MINIO_ROOT_PASSWORD=" + s.SecretKey,
			"MINIO_BROWSER=off",
			"MINIO_UPDATE=off",
			"HOME=" + dir, // keep ~/.minio out of the real home
		})
	if err != nil {
		return nil, err
	}
	s.tlsConfig = tlsConfig
	transport := &http.Transport{TLSClientConfig: tlsConfig}
	defer transport.CloseIdleConnections()
	if err := s.waitReady(ctx, &http.Client{Transport: transport}); err != nil {
		stopErr := s.Stop()
		return nil, errors.Join(err, stopErr)
	}
	client, err := minio.New(addr, &minio.Options{
		Creds:     credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:    opts.TLS,
		Transport: &http.Transport{TLSClientConfig: tlsConfig},
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("minio client: %w", err), s.Stop())
	}
	s.Buckets = testserver.NewBuckets(client)
	return s, nil
}

// Halt stops the server process (as Stop does) but keeps its data, so
// that Resume can start it again: an object store outage.
func (s *Server) Halt() error {
	s.Process.Halt()
	return nil
}

// Resume starts a halted server again on the same data, address and
// credentials, and waits until it is ready.
func (s *Server) Resume(ctx context.Context) error {
	var err error
	for range 20 { // the old process's port may take a moment to be free
		if err = s.Restart(); err != nil {
			return fmt.Errorf("resume minio: %w", err)
		}
		transport := &http.Transport{TLSClientConfig: s.tlsConfig}
		err = s.waitReady(ctx, &http.Client{Transport: transport})
		transport.CloseIdleConnections()
		if err == nil {
			return nil
		}
		s.Process.Halt()
		if ctx.Err() != nil || !strings.Contains(err.Error(), "address already in use") {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("resume minio: %w", err)
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
		case <-s.Done():
			return s.Exited()
		case <-ctx.Done():
			return fmt.Errorf("minio not ready at %s: %w: %s", url, ctx.Err(), s.LogTail())
		case <-tick.C:
		}
	}
}

// makeCert writes a self-signed certificate for 127.0.0.1 where MinIO
// looks for it in dir, sets CAFile, and returns a client configuration
// trusting it.
func (s *Server) makeCert(dir string) (*tls.Config, error) {
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
	certs := filepath.Join(dir, "certs")
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

// SetBucketPolicy sets a bucket's policy document (JSON; empty removes it).
func (s *Server) SetBucketPolicy(t testing.TB, bucket, policy string) {
	t.Helper()
	if err := s.Client().SetBucketPolicy(context.Background(), bucket, policy); err != nil {
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
	testserver.Shared[*Server]
}

// Server returns the package's server, starting it on first use. It fails
// the test if the server cannot start (e.g. the binary is not installed).
func (sh *Shared) Server(t testing.TB) *Server {
	t.Helper()
	return sh.Get(t, "minio", func(ctx context.Context) (*Server, error) { return Start(ctx, Options{}) })
}
