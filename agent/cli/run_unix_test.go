//go:build unix

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/agent/internal/testserver"
)

// TestRunLoopStopsOnSignal runs the agent as a service: it reports in the
// current cycle (no jitter) and exits 0 on SIGTERM.
func TestRunLoopStopsOnSignal(t *testing.T) {
	srv := testserver.Start(enrollSecretValue)
	defer srv.Close()
	srv.SetCycle(testserver.Cycle{ID: "c1", Deadline: time.Now().Add(24 * time.Hour), JitterSeconds: 0})
	stateDir, _ := enrolled(t, srv)
	cmd := exec.Command(filepath.Join(binDir, "auditfleet-agent"), append([]string{"run", "--log-level", "info"}, hostArgs(t, stateDir)...)...)
	cmd.Env = append(os.Environ(), "AUDITFLEET_CONFIG=", "AUDITFLEET_HOST_ROOT=", "AUDITFLEET_PLUGIN_DIR=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait (bounded) for the report; the bound only stops a broken agent
	// from hanging the test.
	for limit := time.Now().Add(60 * time.Second); len(srv.Reports()) == 0 && time.Now().Before(limit); {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) || err != nil {
		t.Fatalf("run after SIGTERM: %v, want exit 0; stderr:\n%s", err, stderr.String())
	}
	if got := srv.Reports(); len(got) != 1 {
		t.Errorf("server stored %v, want one report for the cycle; stderr:\n%s", got, stderr.String())
	}
	if strings.Contains(stderr.String(), "aft_") {
		t.Errorf("the log shows the host token:\n%s", stderr.String())
	}
}
