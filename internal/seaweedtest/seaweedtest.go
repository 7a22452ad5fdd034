package seaweedtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/testserver"
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

// readyTimeout is how long Start waits for the server to accept a write.
const readyTimeout = 90 * time.Second

// Binary returns the path of the weed binary: $AUDITFLEET_SEAWEEDFS_BIN if
// set, else $HOME/.cache/auditfleet/bin/weed. The error says how to
// install it.
func Binary() (string, error) {
	return testserver.Binary("seaweedfs", BinEnv, "weed", InstallCommand)
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

	// Process is the server's process; its Stop stops the server and
	// removes its data.
	*testserver.Process
	// Buckets makes buckets; its Client has the server's credentials.
	*testserver.Buckets
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
	return testserver.Retry(ctx, func() (*Server, error) { return start(ctx, bin) })
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
		AccessKey: "af" + testserver.RandomHex(8),
		SecretKey: testserver.RandomHex(20),
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
	port := func(p int) string { return strconv.Itoa(p) }
	s.Process, err = testserver.Start("seaweedfs", dir, "weed.log", bin,
		[]string{"server",
			"-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + data,
			"-master.port=" + port(ports[0]), "-master.dir=" + data,
			"-master.volumeSizeLimitMB=64", "-master.telemetry=false",
			"-volume.port=" + port(ports[1]), "-volume.max=0", "-volume.preStopSeconds=0",
			"-filer", "-filer.port=" + port(ports[2]), "-filer.localSocket=" + filepath.Join(dir, "filer.sock"),
			"-s3", "-s3.port=" + port(ports[3]), "-s3.config=" + idFile,
			"-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.localSocket=" + filepath.Join(dir, "s3.sock"),
		},
		[]string{
			"HOME=" + dir, // keep configuration lookups out of the real home
			// One volume per bucket (collection) instead of seven: every
			// test makes its own bucket.
			"WEED_MASTER_VOLUME_GROWTH_COPY_1=1",
		})
	if err != nil {
		return nil, err
	}
	client, err := minio.New(s.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Transport: &http.Transport{},
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("seaweedfs client: %w", err), s.Stop())
	}
	s.Buckets = testserver.NewBuckets(client)
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
		err := s.Client().MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
		if err == nil || minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" || minio.ToErrorResponse(err).Code == "BucketAlreadyExists" {
			_, err = s.Client().PutObject(ctx, bucket, "k", strings.NewReader("ready"), 5, minio.PutObjectOptions{})
			if err == nil {
				return nil
			}
		}
		lastErr = err
		select {
		case <-s.Done():
			return s.Exited()
		case <-ctx.Done():
			return fmt.Errorf("seaweedfs not ready at %s: %w (last: %v): %s", s.Endpoint, ctx.Err(), lastErr, s.LogTail())
		case <-tick.C:
		}
	}
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
	testserver.Shared[*Server]
}

// Server returns the package's server, starting it on first use. It fails
// the test if the server cannot start (e.g. the binary is not installed).
func (sh *Shared) Server(t testing.TB) *Server {
	t.Helper()
	return sh.Get(t, "seaweedfs", Start)
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
