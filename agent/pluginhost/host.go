package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/plugins/manifest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// DefaultTimeout bounds one collector run when neither the manifest nor
// the configuration sets a timeout.
const DefaultTimeout = 30 * time.Second

// Config configures a Host.
type Config struct {
	// Dir is the plugin directory holding binaries and their manifests.
	Dir string
	// Now is the collection time sent to the collectors; nil is the
	// clock.
	Now func() time.Time
	// Timeout overrides every manifest's timeout when non-zero.
	Timeout time.Duration
	// Options holds each collector's options object, keyed by name.
	Options map[string]json.RawMessage
	// Only, when non-empty, restricts the run to these collector names.
	Only []string
	// Parallel is how many collectors run at once (default 2).
	Parallel int
	// CPUBudget is the CPU time one collector run may use; over it the
	// collector is killed and reported with kind budget. 0 is no budget.
	CPUBudget time.Duration
	// MemoryBudget is the resident memory in bytes one collector may use;
	// over it the collector is killed and reported with kind budget. 0 is
	// no budget. Both budgets are enforced on Linux only.
	MemoryBudget int64
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
}

// Host runs the collectors of one plugin directory.
type Host struct {
	cfg Config
	log *slog.Logger
}

// New returns a Host. It does not touch the plugin directory until Collect.
func New(cfg Config) *Host {
	if cfg.Parallel <= 0 {
		cfg.Parallel = 2
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Host{cfg: cfg, log: log}
}

// Outcome is the result of running one collector: Output and Run are set,
// or Err is, or only Run is (with Run.NotApplicable saying why the
// collector had nothing to read on this host).
type Outcome struct {
	Name   string
	Output *sdk.Output
	Run    facts.Run
	Err    *facts.CollectorError
}

// Discover loads the manifests of the plugin directory, sorted by name.
// An unsafe directory is an error for the whole agent; a bad manifest is an
// Outcome with a "refused" error, so the other collectors still run.
func (h *Host) Discover() ([]*manifest.Manifest, []Outcome, error) {
	if err := checkDir(h.cfg.Dir); err != nil {
		return nil, nil, err
	}
	paths, err := filepath.Glob(filepath.Join(h.cfg.Dir, "*"+manifest.Suffix))
	if err != nil {
		return nil, nil, fmt.Errorf("list plugin directory %s: %w", h.cfg.Dir, err)
	}
	sort.Strings(paths)
	var (
		ms      []*manifest.Manifest
		refused []Outcome
		seenNS  = map[string]string{}
	)
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), manifest.Suffix)
		if !h.wanted(name) {
			continue
		}
		fail := func(err error) {
			refused = append(refused, Outcome{Name: name, Err: &facts.CollectorError{Collector: name, Kind: facts.ErrRefused, Message: err.Error()}})
		}
		if err := checkFile(p); err != nil {
			fail(err)
			continue
		}
		m, err := manifest.Load(p)
		if err != nil {
			fail(err)
			continue
		}
		if other, dup := seenNS[m.Namespace]; dup {
			fail(fmt.Errorf("collector %s: namespace %q is already claimed by collector %s", m.Name, m.Namespace, other))
			continue
		}
		seenNS[m.Namespace] = m.Name
		ms = append(ms, m)
	}
	for _, want := range h.cfg.Only {
		if !slicesContains(paths, filepath.Join(h.cfg.Dir, want+manifest.Suffix)) {
			refused = append(refused, Outcome{Name: want, Err: &facts.CollectorError{Collector: want, Kind: facts.ErrRefused, Message: fmt.Sprintf("collector %s: no manifest %s in %s", want, want+manifest.Suffix, h.cfg.Dir)}})
		}
	}
	return ms, refused, nil
}

func (h *Host) wanted(name string) bool {
	return len(h.cfg.Only) == 0 || slicesContains(h.cfg.Only, name)
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Collect runs every collector against hostRoot and returns one Outcome
// per collector, sorted by name. Only an unusable plugin directory is an
// error; everything a single collector does wrong is in its Outcome.
func (h *Host) Collect(ctx context.Context, hostRoot string) ([]Outcome, error) {
	ms, outs, err := h.Discover()
	if err != nil {
		return nil, err
	}
	results := make([]Outcome, len(ms))
	sem := make(chan struct{}, h.cfg.Parallel)
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = h.run(ctx, m, hostRoot)
		}()
	}
	wg.Wait()
	outs = append(outs, results...)
	sort.SliceStable(outs, func(i, j int) bool { return outs[i].Name < outs[j].Name })
	return outs, nil
}

// run runs one collector; it never panics and never returns without
// having stopped the plugin process.
func (h *Host) run(ctx context.Context, m *manifest.Manifest, hostRoot string) (out Outcome) {
	out.Name = m.Name
	start := time.Now()
	timeout := m.TimeoutOr(DefaultTimeout)
	if h.cfg.Timeout > 0 {
		timeout = h.cfg.Timeout
	}
	log := h.log.With("collector", m.Name)
	fail := func(kind facts.ErrorKind, err error) Outcome {
		log.Warn("collector failed", "kind", kind, "err", err, "duration", time.Since(start))
		return Outcome{Name: m.Name, Err: &facts.CollectorError{Collector: m.Name, Namespace: m.Namespace, Kind: kind, Message: err.Error()}}
	}
	defer func() {
		if r := recover(); r != nil {
			out = fail(facts.ErrCrash, fmt.Errorf("collector %s: plugin host panic: %v", m.Name, r))
		}
	}()

	bin := filepath.Join(h.cfg.Dir, m.Binary)
	if err := checkFile(bin); err != nil {
		return fail(facts.ErrRefused, err)
	}
	// Hash here too, to name the plugin in a clear error; go-plugin checks
	// again (with a fresh hash) right before it starts the process.
	sum, err := manifest.FileSHA256(bin)
	if err != nil {
		return fail(facts.ErrRefused, fmt.Errorf("collector %s: %w", m.Name, err))
	}
	if sum != m.SHA256 {
		return fail(facts.ErrRefused, fmt.Errorf("collector %s: binary %s has SHA-256 %s but its manifest pins %s: refusing to run it", m.Name, bin, sum, m.SHA256))
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	stderr := &tailBuffer{max: 4 << 10}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		Plugins:          sdk.PluginSet(nil),
		Cmd:              exec.Command(bin),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		SecureConfig:     &plugin.SecureConfig{Checksum: m.Checksum(), Hash: sha256.New()},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		StartTimeout:     timeout,
		Stderr:           stderr,
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "plugin." + m.Name, Output: io.Discard, Level: hclog.Off}),
		GRPCDialOptions:  []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(sdk.MaxFactsBytes + 1<<20))},
	})
	defer client.Kill()
	// On timeout or cancellation, kill the process at once rather than
	// wait for a graceful shutdown a hung plugin will never do. Deferred
	// last, so it is stopped first on a normal return.
	stopWatch := context.AfterFunc(ctx, func() { forceKill(client) })
	defer stopWatch()

	rpc, err := startClient(ctx, client, log)
	if err != nil {
		if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			return fail(facts.ErrRefused, fmt.Errorf("collector %s: binary %s changed after its manifest was written: %w", m.Name, bin, err))
		}
		if ctx.Err() != nil {
			return fail(facts.ErrTimeout, fmt.Errorf("collector %s: did not start within %s", m.Name, timeout))
		}
		return fail(facts.ErrStart, fmt.Errorf("collector %s: start: %w%s", m.Name, err, stderr.suffix()))
	}
	b := &budget{cpu: h.cfg.CPUBudget, mem: h.cfg.MemoryBudget}
	if budgetsEnforced && (b.cpu > 0 || b.mem > 0) {
		if rc := client.ReattachConfig(); rc != nil && rc.Pid > 0 {
			if b.cpu > 0 {
				if err := setCPULimit(rc.Pid, b.cpu); err != nil {
					return fail(facts.ErrStart, fmt.Errorf("collector %s: %w", m.Name, err))
				}
			}
			stopBudget := b.watch(rc.Pid, func() { forceKill(client) })
			defer stopBudget()
		}
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		return fail(facts.ErrStart, fmt.Errorf("collector %s: dispense: %w", m.Name, err))
	}
	c, ok := raw.(*sdk.Client)
	if !ok {
		return fail(facts.ErrStart, fmt.Errorf("collector %s: unexpected client type %T", m.Name, raw))
	}
	classify := func(err error) Outcome {
		if over := b.exceeded(); over != "" {
			client.Kill()
			return fail(facts.ErrBudget, fmt.Errorf("collector %s: killed: %s", m.Name, over))
		}
		switch {
		// gRPC enforces the deadline with timers of its own (and sends it
		// to the plugin), so its DeadlineExceeded can arrive a moment
		// before ctx says it has expired.
		case ctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded:
			return fail(facts.ErrTimeout, fmt.Errorf("collector %s: killed after %s time limit", m.Name, timeout))
		case status.Code(err) == codes.ResourceExhausted:
			// The answer was over what the gRPC client takes: more than
			// sdk.MaxFactsBytes of facts.
			return fail(facts.ErrInvalidOutput, fmt.Errorf("collector %s: %w: answer over the %d byte limit of facts: %v", m.Name, sdk.ErrInvalidOutput, sdk.MaxFactsBytes, err))
		case errors.Is(err, sdk.ErrInvalidOutput):
			return fail(facts.ErrInvalidOutput, fmt.Errorf("collector %s: %w", m.Name, err))
		case client.Exited() || status.Code(err) == codes.Unavailable || status.Code(err) == codes.Canceled:
			// Wait for the process to be reaped so its last words (a
			// panic message) are in the stderr buffer.
			client.Kill()
			return fail(facts.ErrCrash, fmt.Errorf("collector %s: plugin process died: %w%s", m.Name, err, stderr.suffix()))
		default:
			return fail(facts.ErrCollector, fmt.Errorf("collector %s: %w", m.Name, err))
		}
	}
	info, err := c.Info(ctx)
	if err != nil {
		return classify(err)
	}
	if info.Namespace != m.Namespace {
		return fail(facts.ErrInvalidOutput, fmt.Errorf("collector %s: plugin says namespace %q, manifest pins %q", m.Name, info.Namespace, m.Namespace))
	}
	now := time.Now()
	if h.cfg.Now != nil {
		now = h.cfg.Now()
	}
	o, err := c.Collect(ctx, hostRoot, h.cfg.Options[m.Name], now)
	if errors.Is(err, sdk.ErrNotApplicable) {
		log.Debug("collector not applicable", "reason", err)
		return Outcome{Name: m.Name, Run: facts.Run{
			Collector: m.Name, Version: info.Version, Namespace: m.Namespace, SchemaVersion: info.SchemaVersion,
			DurationMS: time.Since(start).Milliseconds(), Warnings: []string{}, NotApplicable: err.Error(),
		}}
	}
	if err != nil {
		return classify(err)
	}
	if o.Namespace != m.Namespace {
		return fail(facts.ErrInvalidOutput, fmt.Errorf("collector %s: facts for namespace %q, manifest pins %q", m.Name, o.Namespace, m.Namespace))
	}
	d := time.Since(start)
	log.Debug("collector done", "duration", d, "bytes", len(o.Facts), "warnings", len(o.Warnings))
	warnings := o.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	return Outcome{
		Name:   m.Name,
		Output: &o,
		Run: facts.Run{
			Collector:     m.Name,
			Version:       info.Version,
			Namespace:     o.Namespace,
			SchemaVersion: o.SchemaVersion,
			DurationMS:    d.Milliseconds(),
			Partial:       o.Partial,
			Warnings:      warnings,
		},
	}
}

// startClient starts the plugin process at low priority and performs the
// handshake, giving up when ctx ends.
func startClient(ctx context.Context, c *plugin.Client, log *slog.Logger) (plugin.ClientProtocol, error) {
	type res struct {
		p   plugin.ClientProtocol
		err error
	}
	ch := make(chan res, 1)
	go func() {
		// The process inherits this thread's priorities; the thread ends
		// with this goroutine.
		if err := lowerThreadPriority(); err != nil {
			log.Warn("collector runs at normal priority", "err", err)
		}
		p, err := c.Client()
		ch <- res{p, err}
	}()
	select {
	case r := <-ch:
		return r.p, r.err
	case <-ctx.Done():
		forceKill(c)
		<-ch // Client returns once the process is gone.
		return nil, ctx.Err()
	}
}

// forceKill sends SIGKILL (or the platform equivalent) to the plugin
// process, if it was started.
func forceKill(c *plugin.Client) {
	rc := c.ReattachConfig()
	if rc == nil || rc.Pid <= 0 {
		return
	}
	if p, err := os.FindProcess(rc.Pid); err == nil {
		_ = p.Kill()
	}
}

// tailBuffer keeps the last max bytes written, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

// suffix returns "; stderr: <last lines>" or "", leaving out go-plugin's
// own JSON log lines.
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var keep []string
	for _, line := range strings.Split(string(t.b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, `{"@level"`) {
			continue
		}
		keep = append(keep, line)
	}
	if len(keep) == 0 {
		return ""
	}
	if len(keep) > 8 {
		keep = keep[:8]
	}
	return "; stderr: " + strings.Join(keep, " | ")
}
