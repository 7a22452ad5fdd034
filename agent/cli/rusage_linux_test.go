//go:build linux

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// runLauncher is the test binary re-executed as a clean parent for one
// agent run: after waiting for the agent, its RUSAGE_CHILDREN peak RSS is
// the largest of the agent and every collector plugin it started, with
// nothing else (such as `go build`) mixed in.
func runLauncher() {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv("AUDITFLEET_RUSAGE_LAUNCHER")), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	agentRSS := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	json.NewEncoder(os.Stdout).Encode(map[string]int64{
		"wall_ns":     wall.Nanoseconds(),
		"agent_kb":    agentRSS,
		"max_proc_kb": ru.Maxrss,
		"exit_code":   int64(cmd.ProcessState.ExitCode()),
	})
}

// BenchmarkScan runs a full `scan` of this machine (host root /) with all
// collectors and reports wall time and peak RSS per process. Targets: under
// 1 s wall and under 40 MB peak RSS for every process.
func BenchmarkScan(b *testing.B) {
	benchScan(b, "/")
}

// BenchmarkScanFixture scans the Debian 13 fixture host, whose login
// records live in SQLite (lastlog2, wtmpdb).
func BenchmarkScanFixture(b *testing.B) {
	benchScan(b, filepath.Join("..", "..", "testdata", "hosts", "debian13-lastlog2"))
}

func benchScan(b *testing.B, root string) {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	args, _ := json.Marshal([]string{filepath.Join(binDir, "auditfleet-agent"), "scan", "--format", "json", "--host-root", root, "--plugin-dir", filepath.Join(binDir, "plugins")})
	var wall time.Duration
	var agentKB, maxKB int64
	for b.Loop() {
		cmd := exec.Command(self, "-test.run=^$")
		cmd.Env = append(os.Environ(), "AUDITFLEET_RUSAGE_LAUNCHER="+string(args))
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("launcher: %v", err)
		}
		var m map[string]int64
		if err := json.Unmarshal(out, &m); err != nil {
			b.Fatalf("launcher output %q: %v", out, err)
		}
		if m["exit_code"] == 1 {
			b.Fatalf("scan failed operationally (exit 1)")
		}
		wall += time.Duration(m["wall_ns"])
		agentKB = max(agentKB, m["agent_kb"])
		maxKB = max(maxKB, m["max_proc_kb"])
	}
	n := float64(b.N)
	b.ReportMetric(wall.Seconds()/n*1000, "ms/scan")
	b.ReportMetric(float64(agentKB)/1024, "agent-peak-MB")
	b.ReportMetric(float64(maxKB)/1024, "max-process-peak-MB")
}

// BenchmarkCollectEach runs `collect` of this machine (host root /) with
// all collectors and reports each collector's own time, as the agent
// measures it (duration_ms in the facts document), averaged over the runs.
func BenchmarkCollectEach(b *testing.B) {
	sum := map[string]float64{}
	for b.Loop() {
		cmd := exec.Command(filepath.Join(binDir, "auditfleet-agent"), "collect", "--host-root", "/", "--plugin-dir", filepath.Join(binDir, "plugins"))
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("collect: %v", err)
		}
		var doc struct {
			Collectors map[string]struct {
				DurationMS int64 `json:"duration_ms"`
			} `json:"collectors"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			b.Fatalf("collect output: %v", err)
		}
		if len(doc.Collectors) == 0 {
			b.Fatalf("collect ran no collector:\n%s", out)
		}
		for name, r := range doc.Collectors {
			sum[name] += float64(r.DurationMS)
		}
	}
	for name, total := range sum {
		b.ReportMetric(total/float64(b.N), name+"-ms")
	}
}
