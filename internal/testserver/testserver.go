package testserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
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
)

// stopTimeout is how long Stop waits for the process to exit after SIGTERM
// before killing it.
const stopTimeout = 10 * time.Second

// Process is a running server process and its directory.
type Process struct {
	// Dir is the process's temporary directory, removed by Stop.
	Dir string

	name    string
	log     string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
	// What Restart needs to run the process again.
	bin       string
	args, env []string
}

// Start runs bin with args and exactly the environment env in dir (which
// the caller created and Stop removes), its output going to the file
// logName in dir. name names the server in errors. On error dir is
// removed.
func Start(name, dir, logName, bin string, args, env []string) (*Process, error) {
	p := &Process{Dir: dir, name: name, log: filepath.Join(dir, logName), bin: bin, args: args, env: env}
	if err := p.launch(os.O_TRUNC); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return p, nil
}

// launch runs the process, its output going to the log (opened with
// flag: os.O_TRUNC at first, os.O_APPEND on a restart), and starts the
// goroutine that waits for it.
func (p *Process) launch(flag int) error {
	logf, err := os.OpenFile(p.log, os.O_WRONLY|os.O_CREATE|flag, 0o600)
	if err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(p.bin, p.args...)
	cmd.Dir = p.Dir
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = logf, logf
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s %s: %w", p.name, p.bin, err)
	}
	done := make(chan struct{})
	p.cmd, p.done = cmd, done
	go func() {
		p.waitErr = cmd.Wait()
		close(done)
	}()
	return nil
}

// Halt stops the process as Stop does but keeps its directory, so that
// Restart can run it again on the same data: an outage.
func (p *Process) Halt() {
	select {
	case <-p.done:
		return
	default:
	}
	if runtime.GOOS == "windows" {
		_ = p.cmd.Process.Kill()
	} else {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Restart runs a halted process again with the same command, directory
// and environment, appending to its log.
func (p *Process) Restart() error {
	select {
	case <-p.done:
	default:
		return fmt.Errorf("restart %s: it is still running", p.name)
	}
	return p.launch(os.O_APPEND)
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Exited returns the error for a process that exited while it was
// awaited: its exit status and the end of its log. Call it after Done is
// closed.
func (p *Process) Exited() error {
	return fmt.Errorf("%s exited before it was ready (%v): %s", p.name, p.waitErr, p.LogTail())
}

// LogTail returns the end of the process's log, for error messages.
func (p *Process) LogTail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const max = 2048
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return strings.TrimSpace(string(b))
}

// Stop stops the process (SIGTERM, then a kill if it has not exited
// within a few seconds), waits for it and removes its directory.
func (p *Process) Stop() error {
	p.Halt()
	if err := os.RemoveAll(p.Dir); err != nil {
		return fmt.Errorf("remove %s data: %w", p.name, err)
	}
	return nil
}

// Buckets makes buckets on an S3 server.
type Buckets struct {
	client *minio.Client
	n      atomic.Int64
}

// NewBuckets returns a Buckets that makes buckets with client.
func NewBuckets(client *minio.Client) *Buckets { return &Buckets{client: client} }

// Client returns the client with the server's credentials.
func (b *Buckets) Client() *minio.Client { return b.client }

// CreateBucket creates a bucket, with versioning enabled if versioning is
// set and with object lock (which implies versioning) if objectLock is.
func (b *Buckets) CreateBucket(t testing.TB, name string, versioning, objectLock bool) {
	t.Helper()
	ctx := context.Background()
	if err := b.client.MakeBucket(ctx, name, minio.MakeBucketOptions{ObjectLocking: objectLock}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	if versioning && !objectLock {
		if err := b.client.EnableVersioning(ctx, name); err != nil {
			t.Fatalf("enable versioning on %s: %v", name, err)
		}
	}
}

// NewBucket creates a bucket with a name no other test of this server
// uses, as CreateBucket does, and returns the name.
func (b *Buckets) NewBucket(t testing.TB, versioning, objectLock bool) string {
	t.Helper()
	name := fmt.Sprintf("test-%d-%s", b.n.Add(1), RandomHex(4))
	b.CreateBucket(t, name, versioning, objectLock)
	return name
}

// Shared is one server of type S for a whole test package, started with
// start by the first test that needs it and stopped by its owner, the
// package's TestMain.
type Shared[S interface{ Stop() error }] struct {
	mu      sync.Mutex
	srv     S
	started bool
	err     error // why the server could not start; every later test fails with it
}

// Get returns the package's server, starting it with start on first use.
// It fails the test if the server cannot start (e.g. the binary is not
// installed).
func (sh *Shared[S]) Get(t testing.TB, name string, start func(context.Context) (S, error)) S {
	t.Helper()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !sh.started && sh.err == nil {
		sh.srv, sh.err = start(context.Background())
		sh.started = sh.err == nil
	}
	if sh.err != nil {
		t.Fatalf("start %s: %v", name, sh.err)
	}
	return sh.srv
}

// Stop stops the server if one was started.
func (sh *Shared[S]) Stop() error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !sh.started {
		return nil
	}
	var zero S
	err := sh.srv.Stop()
	sh.srv, sh.started = zero, false
	return err
}

// FreeAddr returns a free address of 127.0.0.1, host:port.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported systems
	return hex.EncodeToString(b)
}

// Binary returns the path of a server binary: $env if set, else
// $HOME/.cache/auditfleet/bin/<file>. The error names the server (name)
// and says how to install it (install).
func Binary(name, env, file, install string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s binary from %s: %w; unset it or install it with: %s", name, env, err, install)
		}
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find %s binary: %w; set %s or install it with: %s", name, err, env, install)
	}
	p := filepath.Join(home, ".cache", "auditfleet", "bin", file)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s binary not found (%s unset, %s: %w); install it with: %s", name, env, p, err, install)
	}
	return p, nil
}

// Retry calls start up to three times while it fails because a port was
// taken between choosing it and the server binding it.
func Retry[S any](ctx context.Context, start func() (S, error)) (S, error) {
	var (
		s   S
		err error
	)
	for range 3 {
		if s, err = start(); err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return s, err
}
