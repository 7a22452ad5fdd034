//go:build linux

package pluginhost

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/facts"
)

// TestCollectorsRunAtLowPriority starts a real collector that reads its
// own nice value from /proc/self/stat and its I/O class.
func TestCollectorsRunAtLowPriority(t *testing.T) {
	dir := pluginDir(t)
	install(t, dir, "priority")
	outs, err := New(Config{Dir: dir}).Collect(context.Background(), hostRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || outs[0].Output == nil {
		t.Fatalf("outcomes %+v, want the priority collector's facts", outs)
	}
	var got struct {
		Nice    int `json:"nice"`
		IOClass int `json:"io_class"`
	}
	if err := json.Unmarshal(outs[0].Output.Facts, &got); err != nil {
		t.Fatal(err)
	}
	own, err := threadNice()
	if err != nil {
		t.Fatal(err)
	}
	if want := max(own, collectorNice); got.Nice != want {
		t.Errorf("collector nice %d, want %d (the test runs at %d)", got.Nice, want, own)
	}
	if got.IOClass != 3 {
		t.Errorf("collector I/O class %d, want 3 (idle)", got.IOClass)
	}
	// The agent's own threads keep their priority.
	if after, err := threadNice(); err != nil || after != own {
		t.Errorf("agent thread nice %d (%v) after collecting, want %d", after, err, own)
	}
}

// TestCollectorOverBudgetIsKilled runs collectors that burn CPU or grow
// their memory: each is killed, reported with kind budget, and gone.
func TestCollectorOverBudgetIsKilled(t *testing.T) {
	dir := pluginDir(t)
	for _, m := range []string{"spin", "hog", "ok"} {
		install(t, dir, m)
	}
	start := time.Now()
	outs, err := New(Config{Dir: dir, Parallel: 3, CPUBudget: time.Second, MemoryBudget: 96 << 20}).Collect(context.Background(), hostRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"spin": "CPU time", "hog": "memory", "ok": ""}
	for _, o := range outs {
		text, ok := want[o.Name]
		switch {
		case !ok:
			t.Errorf("unexpected outcome %+v", o)
		case text == "" && o.Err != nil:
			t.Errorf("%s: error %+v, want facts within budget", o.Name, o.Err)
		case text == "":
		case o.Err == nil:
			t.Errorf("%s: no error, want kind budget", o.Name)
		case o.Err.Kind != facts.ErrBudget || !strings.Contains(o.Err.Message, "collector "+o.Name) || !strings.Contains(o.Err.Message, text):
			t.Errorf("%s: error %s %q, want kind budget naming the collector and %q", o.Name, o.Err.Kind, o.Err.Message, text)
		}
		delete(want, o.Name)
	}
	if len(want) != 0 {
		t.Errorf("no outcome for %v", want)
	}
	t.Logf("collect took %s", time.Since(start))
	// Never left running: no process runs a binary from the directory.
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.HasPrefix(string(b), dir) {
			t.Errorf("%s still running: %q", p, b)
		}
	}
}

func TestBudgetCheck(t *testing.T) {
	b := budget{cpu: time.Second, mem: 1 << 20}
	tests := []struct {
		u    usage
		want string
	}{
		{usage{cpu: time.Second, rss: 1 << 20}, ""},
		{usage{cpu: time.Second + clockTick, rss: 0}, "CPU time"},
		{usage{cpu: 0, rss: 1<<20 + 1}, "memory"},
	}
	for _, tt := range tests {
		got := b.check(tt.u)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("check(%+v) = %q, want %q", tt.u, got, tt.want)
		}
	}
	if got := (&budget{}).check(usage{cpu: time.Hour, rss: 1 << 40}); got != "" {
		t.Errorf("no budget: check = %q, want nothing over", got)
	}
}
