package cli

import (
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/auditfleet/auditfleet/agent/config"
)

// TestApplyRuntimeLimits checks setup's wiring: the configured limits
// reach the runtime, and the environment's win.
func TestApplyRuntimeLimits(t *testing.T) {
	procs, mem := runtime.GOMAXPROCS(0), debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		runtime.GOMAXPROCS(procs)
		debug.SetMemoryLimit(mem)
	})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	t.Setenv("GOMAXPROCS", "")
	t.Setenv("GOMEMLIMIT", "")
	applyRuntimeLimits(config.Limits{MaxProcs: 3, MemoryLimit: 200 << 20}, log)
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Errorf("GOMAXPROCS = %d, want 3", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 200<<20 {
		t.Errorf("memory limit = %d, want %d", got, 200<<20)
	}

	t.Setenv("GOMAXPROCS", "5")
	t.Setenv("GOMEMLIMIT", "1GiB")
	applyRuntimeLimits(config.Limits{}, log)
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Errorf("GOMAXPROCS = %d with GOMAXPROCS set, want it left at 3", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 200<<20 {
		t.Errorf("memory limit = %d with GOMEMLIMIT set, want it left at %d", got, 200<<20)
	}
}
