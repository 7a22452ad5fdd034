package ship

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/internal/testserver"
	"github.com/auditfleet/auditfleet/agent/spool"
	"github.com/auditfleet/auditfleet/agent/state"
	"github.com/auditfleet/auditfleet/facts"
)

var t0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

// fakeClock is the runner's time: Sleep advances it at once and records
// the duration, then calls onSleep with the number of sleeps so far.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	onSleep func(n int)
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	n := len(c.sleeps)
	c.mu.Unlock()
	if c.onSleep != nil {
		c.onSleep(n)
	}
	return ctx.Err()
}

// rig is a runner wired to a fake server, a spool and a state directory
// in a temporary directory.
type rig struct {
	srv         *testserver.Server
	hostID      string
	r           *Runner
	clock       *fakeClock
	state       *state.Dir
	spool       *spool.Spool
	logs        *bytes.Buffer
	collect     []string // report IDs collected
	failCollect int      // collections that fail before one succeeds
	pad         int      // bytes of padding in each report
}

func newRig(t *testing.T) *rig {
	t.Helper()
	srv := testserver.Start("aes_x")
	t.Cleanup(srv.Close)
	srv.SetCycle(testserver.Cycle{ID: "c1", Deadline: t0.Add(24 * time.Hour), JitterSeconds: 900, PolicyRevision: "sha256:p"})
	hostID, token := srv.Enroll("m1")
	c, err := client.New(client.Config{URL: srv.URL, Token: token, AgentVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	sp, err := spool.Open(st.SpoolPath(), spool.Limits{}, log)
	if err != nil {
		t.Fatal(err)
	}
	g := &rig{srv: srv, hostID: hostID, clock: &fakeClock{now: t0}, state: st, spool: sp, logs: logs}
	g.r = &Runner{
		Server:  c,
		Collect: g.collectDoc,
		Spool:   sp,
		Cycles:  st,
		Log:     log,
		Now:     g.clock.Now,
		Sleep:   g.clock.Sleep,
		Rand:    func(n int64) int64 { return n / 2 },
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), token) {
			t.Errorf("the log contains the host token:\n%s", logs)
		}
	})
	return g
}

func (g *rig) collectDoc(ctx context.Context) (*facts.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if g.failCollect > 0 {
		g.failCollect--
		return nil, errors.New("plugin directory: permission denied")
	}
	doc := &facts.Document{
		SchemaVersion:   facts.SchemaVersion,
		ReportID:        facts.NewReportID(),
		CollectedAt:     g.clock.Now(),
		Facts:           map[string]json.RawMessage{"pad": json.RawMessage(`"` + strings.Repeat("x", g.pad) + `"`)},
		Collectors:      map[string]facts.Run{},
		CollectorErrors: []facts.CollectorError{},
	}
	g.collect = append(g.collect, doc.ReportID)
	return doc, nil
}

func TestOnce(t *testing.T) {
	down := testserver.Failure{Status: 0}
	tests := []struct {
		name  string
		setup func(g *rig)
		// run twice when second is set, with setup2 in between
		second bool
		setup2 func(g *rig)

		wantErr       string // error of the last Once
		wantProblem   string // Problem() of the last Once ("" none)
		wantWaiting   bool
		wantStored    func(g *rig) []string
		wantRejected  int
		wantCollected int
		wantCycle     string // recorded in the state directory
		wantUploads   int    // requests to the reports endpoint
	}{
		{
			name:          "delivered",
			wantStored:    func(g *rig) []string { return g.collect },
			wantCollected: 1,
			wantCycle:     "c1",
			wantUploads:   1,
		},
		{
			name: "server down: spooled",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathCheckin, down)
				g.srv.Fail(testserver.PathReports, down)
			},
			wantProblem:   "spooled",
			wantWaiting:   true,
			wantStored:    func(*rig) []string { return nil },
			wantCollected: 1,
			wantUploads:   1,
		},
		{
			name: "server down, then back: the spooled report goes first",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathCheckin, down)
				g.srv.Fail(testserver.PathReports, down)
			},
			second:        true,
			wantStored:    func(g *rig) []string { return g.collect },
			wantCollected: 2,
			wantCycle:     "c1",
			wantUploads:   3,
		},
		{
			name: "server accepts check-in but fails the report",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathReports, testserver.Failure{Status: 503, Code: "unavailable"})
			},
			wantProblem:   "spooled",
			wantWaiting:   true,
			wantStored:    func(*rig) []string { return nil },
			wantCollected: 1,
			wantCycle:     "c1", // spooled counts as reported in this cycle
			wantUploads:   1,
		},
		{
			name:          "revoked token: re-enroll, nothing collected",
			setup:         func(g *rig) { g.srv.Revoke(g.hostID) },
			wantErr:       "re-enroll",
			wantStored:    func(*rig) []string { return nil },
			wantCollected: 0,
		},
		{
			name:          "report over the advertised limit: rejected without upload",
			setup:         func(g *rig) { g.srv.SetMaxReportBytes(16<<20, 100) },
			wantProblem:   "refused 1 report",
			wantStored:    func(*rig) []string { return nil },
			wantRejected:  1,
			wantCollected: 1,
			wantCycle:     "c1",
			wantUploads:   0,
		},
		{
			name:          "report refused by the server (413): rejected",
			setup:         func(g *rig) { g.srv.SetMaxReportBytes(100, 0) },
			wantProblem:   "refused 1 report",
			wantStored:    func(*rig) []string { return nil },
			wantRejected:  1,
			wantCollected: 1,
			wantCycle:     "c1",
			wantUploads:   1,
		},
		{
			name: "collection fails: error, the spool still drains",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathReports, down)
			},
			second:        true,
			setup2:        func(g *rig) { g.failCollect = 1 },
			wantErr:       "permission denied",
			wantStored:    func(g *rig) []string { return g.collect },
			wantCollected: 1,
			wantCycle:     "c1",
			wantUploads:   2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newRig(t)
			g.pad = 200
			if tt.setup != nil {
				tt.setup(g)
			}
			out, err := g.r.Once(context.Background())
			if tt.second {
				if err != nil {
					t.Fatalf("first Once = %v", err)
				}
				if tt.setup2 != nil {
					tt.setup2(g)
				}
				out, err = g.r.Once(context.Background())
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Once = %v, want error %q", err, tt.wantErr)
			}
			p := out.Problem()
			if tt.wantProblem == "" && p != nil || tt.wantProblem != "" && (p == nil || !strings.Contains(p.Error(), tt.wantProblem)) {
				t.Errorf("Problem() = %v, want %q", p, tt.wantProblem)
			}
			if Waiting(p) != tt.wantWaiting {
				t.Errorf("Waiting(%v) = %v, want %v", p, Waiting(p), tt.wantWaiting)
			}
			if got, want := g.srv.Reports(), tt.wantStored(g); !slices.Equal(got, want) {
				t.Errorf("server stored %v, want %v", got, want)
			}
			if len(g.collect) != tt.wantCollected {
				t.Errorf("collected %d reports, want %d", len(g.collect), tt.wantCollected)
			}
			rej, _ := g.spool.Rejected()
			if len(rej) != tt.wantRejected {
				t.Errorf("rejected/ holds %d reports, want %d", len(rej), tt.wantRejected)
			}
			if got := g.srv.Requests(testserver.PathReports); got != tt.wantUploads {
				t.Errorf("%d report uploads, want %d", got, tt.wantUploads)
			}
			if c, _ := g.state.LastCycle(); c.ID != tt.wantCycle {
				t.Errorf("last cycle %q, want %q", c.ID, tt.wantCycle)
			}
		})
	}
}

// TestOnceDuplicateNotResent: a spooled report the server already holds is
// answered "duplicate", leaves the spool and is never sent again.
func TestOnceDuplicateNotResent(t *testing.T) {
	g := newRig(t)
	// The server stores the report but the answer is lost: the agent
	// spools it although the server has it.
	g.r.Server = &loseAnswer{Server: g.r.Server}
	if _, err := g.r.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := g.collect[0]
	if p, _ := g.spool.Pending(); len(p) != 1 || p[0].ID != first {
		t.Fatalf("spool holds %v, want the report whose answer was lost", p)
	}
	for range 2 {
		out, err := g.r.Once(context.Background())
		if err != nil || out.Problem() != nil {
			t.Fatalf("Once = %v, %v", err, out.Problem())
		}
	}
	if got := count(g.srv.Attempts(), first); got != 2 {
		t.Errorf("report %s reached the server %d times, want 2 (the lost answer, then one duplicate)", first, got)
	}
	if got := g.srv.Reports(); !slices.Equal(got, g.collect) {
		t.Errorf("server stored %v, want each report once: %v", got, g.collect)
	}
	if p, _ := g.spool.Pending(); len(p) != 0 {
		t.Errorf("spool still holds %v", p)
	}
}

// loseAnswer passes the first submission to the server and then reports a
// network failure, as if the connection broke after the server stored it.
type loseAnswer struct {
	Server
	done bool
}

func (l *loseAnswer) Submit(ctx context.Context, b []byte) (client.Receipt, error) {
	rc, err := l.Server.Submit(ctx, b)
	if !l.done && err == nil {
		l.done = true
		return client.Receipt{}, errors.New("read answer: connection reset by peer")
	}
	return rc, err
}

func count(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

func TestLoop(t *testing.T) {
	down := testserver.Failure{Status: 0}
	unavailable := testserver.Failure{Status: 503, Code: "unavailable"}
	const (
		jitter = 450 * time.Second // half of 900 s: Rand returns n/2
		b1     = 22500 * time.Millisecond
		b2     = 45 * time.Second
		hour   = time.Hour
	)
	tests := []struct {
		name string
		// setup runs before Loop; onSleep runs after sleep n, and cancel
		// ends the loop.
		setup   func(g *rig)
		onSleep func(g *rig, n int, cancel func())

		wantErr       string
		wantSleeps    []time.Duration // a prefix of the sleeps
		wantStored    int
		wantCollected int
		wantPending   int
	}{
		{
			name: "one report per cycle, spread over the jitter window",
			onSleep: func(g *rig, n int, cancel func()) {
				switch n {
				case 3:
					g.srv.SetCycle(testserver.Cycle{ID: "c2", Deadline: t0.Add(48 * time.Hour), JitterSeconds: 900})
				case 6:
					cancel()
				}
			},
			wantSleeps:    []time.Duration{jitter, hour, hour, jitter, hour, hour},
			wantStored:    2,
			wantCollected: 2,
		},
		{
			name: "server down at submission: spooled, retried with backoff",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathReports, down, unavailable)
			},
			onSleep:       cancelAt(4),
			wantSleeps:    []time.Duration{jitter, b1, b2, hour},
			wantStored:    1,
			wantCollected: 1,
		},
		{
			name: "check-in down: backoff, no collection until it answers",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathCheckin, down, unavailable)
			},
			onSleep:       cancelAt(4),
			wantSleeps:    []time.Duration{b1, b2, jitter, hour},
			wantStored:    1,
			wantCollected: 1,
		},
		{
			name: "rate limited: waits at least Retry-After",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathReports, testserver.Failure{Status: 429, Code: "rate_limited", RetryAfter: "600"})
			},
			onSleep:       cancelAt(3),
			wantSleeps:    []time.Duration{jitter, 600 * time.Second, hour},
			wantStored:    1,
			wantCollected: 1,
		},
		{
			name:          "revoked: the loop ends telling the operator to re-enroll",
			setup:         func(g *rig) { g.srv.Revoke(g.hostID) },
			onSleep:       cancelAt(10),
			wantErr:       "re-enroll",
			wantSleeps:    []time.Duration{},
			wantCollected: 0,
		},
		{
			name: "revoked during the jitter wait: the report waits in the spool",
			onSleep: func(g *rig, n int, cancel func()) {
				if n == 1 {
					g.srv.Revoke(g.hostID)
				}
				if n > 5 {
					cancel()
				}
			},
			wantErr:       "re-enroll",
			wantSleeps:    []time.Duration{jitter},
			wantCollected: 1,
			wantPending:   1,
		},
		{
			name: "already reported in this cycle (restart): no new report",
			setup: func(g *rig) {
				if err := g.state.SaveCycle(state.Cycle{ID: "c1", ReportID: "r0"}); err != nil {
					panic(err)
				}
			},
			onSleep:       cancelAt(2),
			wantSleeps:    []time.Duration{hour, hour},
			wantCollected: 0,
		},
		{
			name: "jitter kept before a near deadline",
			setup: func(g *rig) {
				g.srv.SetCycle(testserver.Cycle{ID: "c1", Deadline: t0.Add(100 * time.Second), JitterSeconds: 900})
			},
			onSleep: cancelAt(2),
			// 100 s left: jitter n/2 = 50 s; then the deadline (50 s away) plus a minute.
			wantSleeps:    []time.Duration{50 * time.Second, 110 * time.Second},
			wantStored:    1,
			wantCollected: 1,
		},
		{
			name:          "collection fails: retried after a backoff, jitter not waited again",
			setup:         func(g *rig) { g.failCollect = 1 },
			onSleep:       cancelAt(3),
			wantSleeps:    []time.Duration{jitter, b1, hour},
			wantStored:    1,
			wantCollected: 1,
		},
		{
			name: "spool cannot be written (disk full): the loop goes on and collects again",
			setup: func(g *rig) {
				g.srv.Fail(testserver.PathReports, down)
				g.breakSpool(true)
			},
			onSleep: func(g *rig, n int, cancel func()) {
				if n == 2 {
					g.breakSpool(false)
				}
				if n >= 3 {
					cancel()
				}
			},
			wantSleeps:    []time.Duration{jitter, b1, hour},
			wantStored:    1,
			wantCollected: 2,
		},
		{
			name:          "stopped during the jitter wait",
			onSleep:       cancelAt(1),
			wantSleeps:    []time.Duration{jitter},
			wantCollected: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newRig(t)
			if tt.setup != nil {
				tt.setup(g)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			g.clock.onSleep = func(n int) {
				if n > 50 {
					cancel() // a runaway loop fails the test below rather than hanging
				}
				tt.onSleep(g, n, cancel)
			}
			err := g.r.Loop(ctx)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Loop = %v, want error %q", err, tt.wantErr)
			}
			if len(g.clock.sleeps) > 50 {
				t.Fatalf("the loop ran away: %d sleeps", len(g.clock.sleeps))
			}
			if len(g.clock.sleeps) < len(tt.wantSleeps) || !slices.Equal(g.clock.sleeps[:len(tt.wantSleeps)], tt.wantSleeps) {
				t.Errorf("sleeps %v, want them to start with %v", g.clock.sleeps, tt.wantSleeps)
			}
			if got := len(g.srv.Reports()); got != tt.wantStored {
				t.Errorf("server stored %d reports, want %d", got, tt.wantStored)
			}
			if len(g.collect) != tt.wantCollected {
				t.Errorf("collected %d reports, want %d", len(g.collect), tt.wantCollected)
			}
			if p, _ := g.spool.Pending(); len(p) != tt.wantPending {
				t.Errorf("spool holds %d reports, want %d", len(p), tt.wantPending)
			}
		})
	}
}

// breakSpool puts a file where the spool directory is, so that nothing
// can be written there (as a full disk would), or puts the directory back.
func (g *rig) breakSpool(broken bool) {
	dir := g.spool.Dir()
	if err := os.RemoveAll(dir); err != nil {
		panic(err)
	}
	var err error
	if broken {
		err = os.WriteFile(dir, []byte("not a directory"), 0o600)
	} else {
		err = os.Mkdir(dir, 0o700)
	}
	if err != nil {
		panic(err)
	}
}

func cancelAt(n int) func(*rig, int, func()) {
	return func(_ *rig, i int, cancel func()) {
		if i >= n {
			cancel()
		}
	}
}

func TestBackoff(t *testing.T) {
	r := &Runner{Rand: func(n int64) int64 { return n - 1 }} // the top of each range
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		d := r.backoff(n)
		if d < prev || d > MaxBackoff || d < MinBackoff/2 {
			t.Errorf("backoff(%d) = %v; want growing, in [%v, %v]", n, d, MinBackoff/2, MaxBackoff)
		}
		prev = d
	}
	if prev < MaxBackoff-time.Second {
		t.Errorf("backoff(12) = %v, want close to the cap %v", prev, MaxBackoff)
	}
	r.Rand = func(int64) int64 { return 0 }
	if got := r.backoff(1); got != MinBackoff/2 {
		t.Errorf("backoff(1) with the lowest draw = %v, want %v", got, MinBackoff/2)
	}
}

func TestSpoolDir(t *testing.T) {
	g := newRig(t)
	g.srv.SetMaxReportBytes(16<<20, 10)
	out, err := g.r.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p := out.Problem(); p == nil || !strings.Contains(p.Error(), filepath.Join(g.spool.Dir(), spool.RejectedDir)) {
		t.Errorf("Problem() = %v, want it to name %s", p, filepath.Join(g.spool.Dir(), spool.RejectedDir))
	}
}
