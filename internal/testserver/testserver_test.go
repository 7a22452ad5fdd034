package testserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type fake struct{ stops *int }

func (f fake) Stop() error { *f.stops++; return nil }

// TestSharedStartsOnce: the server starts on first use only, a failed
// start is not retried, and Stop stops a started server once.
func TestSharedStartsOnce(t *testing.T) {
	var sh Shared[fake]
	starts, stops := 0, 0
	start := func(context.Context) (fake, error) { starts++; return fake{&stops}, nil }
	sh.Get(t, "fake", start)
	sh.Get(t, "fake", start)
	if starts != 1 {
		t.Fatalf("started %d times, want 1", starts)
	}
	if err := sh.Stop(); err != nil || stops != 1 {
		t.Fatalf("Stop = %v after %d stops, want 1", err, stops)
	}
	if err := sh.Stop(); err != nil || stops != 1 {
		t.Fatalf("second Stop = %v after %d stops, want still 1", err, stops)
	}

	var failing Shared[fake]
	failing.err = errors.New("no binary")
	if failing.Stop() != nil {
		t.Fatal("Stop of a server that never started failed")
	}
}

// TestProcess runs a short-lived process: its output is in the log, Done
// closes when it exits, and Stop removes its directory.
func TestProcess(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Fatalf("this test runs /bin/sh: %v", err)
	}
	dir, err := os.MkdirTemp("", "testserver-")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start("echo", dir, "out.log", "/bin/sh", []string{"-c", "echo started; exit 3"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-p.Done()
	if err := p.Exited(); !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "started") {
		t.Errorf("Exited() = %v, want the exit status and the log", err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.log")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("log after Stop: %v, want the directory removed", err)
	}
}

func TestBinary(t *testing.T) {
	const env, install = "TESTSERVER_BIN", "make thing"
	missing := filepath.Join(t.TempDir(), "no-thing")
	t.Setenv(env, missing)
	if _, err := Binary("thing", env, "thing", install); err == nil || !strings.Contains(err.Error(), install) || !strings.Contains(err.Error(), env) {
		t.Fatalf("Binary with %s=%s = %v, want an error naming %s and the install command", env, missing, err, env)
	}
	present := filepath.Join(t.TempDir(), "thing")
	if err := os.WriteFile(present, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(env, present)
	if got, err := Binary("thing", env, "thing", install); err != nil || got != present {
		t.Fatalf("Binary with %s=%s = %q, %v", env, present, got, err)
	}
	home := t.TempDir()
	t.Setenv(env, "")
	t.Setenv("HOME", home)
	if _, err := Binary("thing", env, "thing", install); err == nil || !strings.Contains(err.Error(), install) {
		t.Fatalf("Binary with an empty HOME = %v, want the install command", err)
	}
	want := filepath.Join(home, ".cache", "auditfleet", "bin", "thing")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Binary("thing", env, "thing", install); err != nil || got != want {
		t.Fatalf("Binary() = %q, %v; want %q", got, err, want)
	}
}
