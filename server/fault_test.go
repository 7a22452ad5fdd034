package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/spool"
	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/internal/miniotest"
	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/cycle"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/internal/tamper"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// The fault-injection tests run the real auditfleet-server binary on a
// directory store or a MinIO bucket, feed it reports through the agent's
// own spool and client, break something (the object store, the server
// process, a stored object, the agent's clock), and then count: every
// report sent is stored exactly once (facts and results, in one cycle),
// and every cycle holding results is closed with each reporting host
// scored once.

var (
	serverBinOnce sync.Once
	serverBin     string
	serverBinErr  error

	templateOnce sync.Once
	templateDoc  []byte
	templateErr  error
)

// buildServer builds auditfleet-server into binDir once.
func buildServer(t *testing.T) string {
	t.Helper()
	serverBinOnce.Do(func() {
		serverBin = filepath.Join(binDir, "auditfleet-server")
		cmd := exec.Command("go", "build", "-trimpath", "-o", serverBin, "./cmd/auditfleet-server")
		if b, err := cmd.CombinedOutput(); err != nil {
			serverBinErr = fmt.Errorf("go build auditfleet-server: %v\n%s", err, b)
		}
	})
	if serverBinErr != nil {
		t.Fatal(serverBinErr)
	}
	return serverBin
}

// template returns a real facts document, collected once by the real
// agent and plugins from a fixture host; reports are copies of it with
// their own ID and collection time.
func template(t *testing.T) []byte {
	t.Helper()
	templateOnce.Do(func() {
		cmd := exec.Command(filepath.Join(binDir, "auditfleet-agent"), "collect",
			"--host-root", filepath.Join("..", "testdata", "hosts", "debian12-lts"), "--plugin-dir", filepath.Join(binDir, "plugins"))
		cmd.Env = append(os.Environ(), "AUDITFLEET_CONFIG=", "AUDITFLEET_HOST_ROOT=", "AUDITFLEET_PLUGIN_DIR=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		templateDoc, templateErr = cmd.Output()
		if templateErr != nil {
			templateErr = fmt.Errorf("auditfleet-agent collect: %v\n%s", templateErr, stderr.Bytes())
		}
	})
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	return templateDoc
}

// faultStore is the store a fault test's servers share.
type faultStore struct {
	kind   string // "dir" or "minio"
	dir    string
	minio  *miniotest.Server
	bucket string
}

func (fs faultStore) storage() config.Storage {
	if fs.kind == "dir" {
		return config.Storage{Type: "dir", Dir: fs.dir}
	}
	useTLS := false
	return config.Storage{Type: "s3", S3: config.S3{Endpoint: fs.minio.Endpoint, Bucket: fs.bucket, PathStyle: true, AccessKey: fs.minio.AccessKey, SecretKey: fs.minio.SecretKey, UseTLS: &useTLS}}
}

// newFaultStore makes a new store of kind; MinIO buckets live on m (the
// package's server when nil).
func newFaultStore(t *testing.T, kind string, m *miniotest.Server) faultStore {
	t.Helper()
	if kind == "dir" {
		return faultStore{kind: kind, dir: filepath.Join(t.TempDir(), "store")}
	}
	if m == nil {
		m = minio
	}
	return faultStore{kind: kind, minio: m, bucket: m.NewBucket(t, true, false)}
}

// open opens the store from the test process, to count what is stored.
func (fs faultStore) open(t *testing.T) store.Backend {
	t.Helper()
	st, err := server.OpenStore(context.Background(), fs.storage(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// serverProc is one real auditfleet-server process (a replica) and its
// configuration, which restarts keep.
type serverProc struct {
	t       *testing.T
	cfg     *config.Config
	cfgPath string
	logPath string
	url     string
	cmd     *exec.Cmd
	done    chan struct{}
}

// newServerProc writes the configuration of a replica on fs (daily
// cycles, a short settle, no report rate limit in the way of a burst)
// and starts it.
func newServerProc(t *testing.T, fs faultStore) *serverProc {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Default(dir)
	cfg.Storage = fs.storage()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listen = l.Addr().String()
	l.Close()
	cfg.Cycle.Settle = config.Duration(3 * time.Second)
	cfg.Limits.ReportsPerMinute, cfg.Limits.ReportBurst = 60000, 1000
	cfg.BootstrapTokenFile = filepath.Join(dir, "admin-token")
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &serverProc{t: t, cfg: cfg, cfgPath: filepath.Join(dir, "server.yaml"), logPath: filepath.Join(dir, "server.log"), url: "http://" + cfg.Listen}
	if err := os.WriteFile(p.cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	p.start()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			if b, err := os.ReadFile(p.logPath); err == nil {
				const max = 6000
				if len(b) > max {
					b = b[len(b)-max:]
				}
				t.Logf("server log (%s), end:\n%s", p.cfg.Listen, b)
			}
		}
	})
	return p
}

// start runs the binary and waits until it answers /readyz.
func (p *serverProc) start() {
	t := p.t
	t.Helper()
	logf, err := os.OpenFile(p.logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	p.cmd = exec.Command(buildServer(t), "serve", "--config", p.cfgPath)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.Env = append(os.Environ(), "AUDITFLEET_SERVER_CONFIG=")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	p.done = done
	cmd := p.cmd
	go func() { _ = cmd.Wait(); close(done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-done:
			b, _ := os.ReadFile(p.logPath)
			t.Fatalf("auditfleet-server exited at start: %s", b)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("auditfleet-server not answering on %s after 60s", p.url)
		}
	}
}

// kill ends the process with SIGKILL: no shutdown, no cleanup.
func (p *serverProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop ends the process with SIGTERM (a clean shutdown), or SIGKILL if it
// has not exited within 30 s.
func (p *serverProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.kill()
	}
}

// cli runs an auditfleet-server command on the replica's configuration.
func (p *serverProc) cli(args ...string) string {
	p.t.Helper()
	cmd := exec.Command(buildServer(p.t), append(args, "--config", p.cfgPath)...)
	cmd.Env = append(os.Environ(), "AUDITFLEET_SERVER_CONFIG=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		p.t.Fatalf("auditfleet-server %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out))
}

// admin returns the bootstrap admin token the replica wrote.
func (p *serverProc) admin() string {
	p.t.Helper()
	b, err := os.ReadFile(p.cfg.BootstrapTokenFile)
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// do calls the people API with an admin token.
func (p *serverProc) do(method, path, token string) (int, []byte, error) {
	req, err := http.NewRequest(method, p.url+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Justification", "fault-injection test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// fleetHost is one enrolled host sending reports through the agent's
// spool and client, as the agent does.
type fleetHost struct {
	name  string
	id    string
	token string
	spool *spool.Spool
	skew  time.Duration // added to the agent's clock

	mu   sync.Mutex
	sent []string // IDs of the reports handed to the spool
}

// enrollHosts enrolls n hosts with p.
func enrollHosts(t *testing.T, p *serverProc, n int) []*fleetHost {
	t.Helper()
	secret := p.cli("enroll-secret-create", "--name", "faults", "--reason", "fault-injection test")
	var hosts []*fleetHost
	for i := range n {
		name := fmt.Sprintf("fault-%02d", i)
		c, err := client.New(client.Config{URL: p.url})
		if err != nil {
			t.Fatal(err)
		}
		creds, err := c.Enroll(context.Background(), secret, client.EnrollRequest{Hostname: name, MachineID: randomHex(16), OS: "linux"})
		if err != nil {
			t.Fatalf("enroll %s: %v", name, err)
		}
		sp, err := spool.Open(filepath.Join(t.TempDir(), "spool"), spool.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		hosts = append(hosts, &fleetHost{name: name, id: creds.HostID, token: creds.Token, spool: sp})
	}
	return hosts
}

// client returns the host's client for replica p, with a request
// timeout short enough for tests.
func (h *fleetHost) client(t *testing.T, p *serverProc) *client.Client {
	c, err := client.New(client.Config{URL: p.url, Token: h.token, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newReport copies the template with a new report ID, collected now by
// the host's clock.
func (h *fleetHost) newReport(t *testing.T) spool.Report {
	t.Helper()
	var doc facts.Document
	if err := json.Unmarshal(template(t), &doc); err != nil {
		t.Fatal(err)
	}
	doc.ReportID = randomHex(16)
	doc.CollectedAt = time.Now().Add(h.skew).UTC()
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return spool.Report{ID: doc.ReportID, CollectedAt: doc.CollectedAt, Body: body}
}

// send collects and delivers one report as `auditfleet-agent run --once`
// does: the spool first, then the new report, which is spooled if the
// server cannot take it now. A report the server refuses for good fails
// the test unless refusals are expected.
func (h *fleetHost) send(t *testing.T, p *serverProc) spool.Result {
	r := h.newReport(t)
	h.mu.Lock()
	h.sent = append(h.sent, r.ID)
	h.mu.Unlock()
	res, err := h.spool.Deliver(context.Background(), h.client(t, p), r)
	if err != nil {
		t.Errorf("%s: deliver report %s: %v", h.name, r.ID, err)
	}
	return res
}

// drain flushes the host's spool until it is empty, as the agent's loop
// does on its retries.
func (h *fleetHost) drain(t *testing.T, p *serverProc) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := h.spool.Flush(context.Background(), h.client(t, p))
		if err != nil {
			t.Fatalf("%s: flush: %v", h.name, err)
		}
		if len(res.Rejected) > 0 {
			t.Errorf("%s: server refused spooled reports %v", h.name, res.Rejected)
		}
		if res.Pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d reports still spooled after 90s: %v", h.name, res.Pending, res.Stopped)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// burst makes every host send reports one after the other until stop is
// closed, and returns when they have all stopped.
func burst(t *testing.T, p func() *serverProc, hosts []*fleetHost, stop <-chan struct{}) func() {
	var wg sync.WaitGroup
	for _, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res := h.send(t, p())
				if res.Stopped != nil {
					time.Sleep(200 * time.Millisecond) // the agent backs off
				}
			}
		}()
	}
	return wg.Wait
}

// closeCycle closes the current cycle through replica p's API.
func closeCycle(t *testing.T, p *serverProc, token string) cycle.Closed {
	t.Helper()
	status, body, err := p.do("POST", "/api/v1/cycles/close", token)
	if err != nil || status != http.StatusOK {
		t.Fatalf("close cycle: %d %s %v", status, body, err)
	}
	var closed cycle.Closed
	if err := json.Unmarshal(body, &closed); err != nil {
		t.Fatal(err)
	}
	return closed
}

// closeRemaining closes, in process on the same store and configuration,
// every cycle that holds results but has no scorecard yet: the cycles
// that reports racing a close were filed in, which the schedule would
// close later.
func closeRemaining(t *testing.T, p *serverProc, st store.Backend) {
	t.Helper()
	ctx := context.Background()
	s, err := server.New(ctx, p.cfg, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for c := range storedCycles(t, st) {
		if _, err := st.Stat(ctx, objkey.FleetScorecard(c)); errors.Is(err, store.ErrNotFound) {
			if _, err := s.Closer.Close(ctx, c); err != nil {
				t.Fatalf("close cycle %s: %v", c, err)
			}
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// storedCycles returns the cycles that hold results.
func storedCycles(t *testing.T, st store.Backend) map[objkey.CycleID]bool {
	t.Helper()
	cycles := map[objkey.CycleID]bool{}
	for _, loc := range listReports(t, st, objkey.ResultsPrefix) {
		for _, l := range loc {
			cycles[l.cycle] = true
		}
	}
	return cycles
}

type reportLoc struct {
	cycle objkey.CycleID
	host  string
}

// listReports maps each report ID stored under prefix (facts/ or
// results/) to where it is stored.
func listReports(t *testing.T, st store.Backend, prefix string) map[string][]reportLoc {
	t.Helper()
	out := map[string][]reportLoc{}
	for o, err := range st.List(context.Background(), prefix) {
		if err != nil {
			t.Fatalf("list %s: %v", prefix, err)
		}
		parts := strings.Split(strings.TrimPrefix(o.Key, prefix), "/")
		if len(parts) != 3 {
			t.Fatalf("unexpected key %s", o.Key)
		}
		c, err := objkey.ParseCycleID(parts[0])
		if err != nil {
			t.Fatalf("key %s: %v", o.Key, err)
		}
		rid := strings.TrimSuffix(parts[2], ".json")
		out[rid] = append(out[rid], reportLoc{cycle: c, host: parts[1]})
	}
	return out
}

// countReports checks that every report the hosts sent is stored once
// (facts and results, in the same cycle, for the sending host), that
// nothing else is stored, and that every cycle holding results has a
// fleet scorecard in which each host with results there is counted once.
// It returns how many reports were sent.
func countReports(t *testing.T, st store.Backend, hosts []*fleetHost) int {
	t.Helper()
	ctx := context.Background()
	factsAt, resultsAt := listReports(t, st, objkey.FactsPrefix), listReports(t, st, objkey.ResultsPrefix)
	sent := map[string]string{} // report ID -> host ID
	for _, h := range hosts {
		for _, id := range h.sent {
			sent[id] = h.id
		}
	}
	for id, host := range sent {
		f, r := factsAt[id], resultsAt[id]
		if len(f) != 1 || len(r) != 1 {
			t.Errorf("report %s of %s: stored as facts %v and results %v, want once each", id, host, f, r)
			continue
		}
		if f[0] != r[0] || f[0].host != host {
			t.Errorf("report %s of %s: facts at %v, results at %v", id, host, f[0], r[0])
		}
	}
	for id, locs := range factsAt {
		if _, ok := sent[id]; !ok {
			t.Errorf("facts %s stored at %v were never sent", id, locs)
		}
	}
	for id, locs := range resultsAt {
		if _, ok := sent[id]; !ok {
			t.Errorf("results %s stored at %v were never sent", id, locs)
		}
	}
	reporting := map[objkey.CycleID]map[string]bool{}
	for _, locs := range resultsAt {
		for _, l := range locs {
			if reporting[l.cycle] == nil {
				reporting[l.cycle] = map[string]bool{}
			}
			reporting[l.cycle][l.host] = true
		}
	}
	for c, hs := range reporting {
		var closed cycle.Closed
		if _, err := store.GetJSON(ctx, st, objkey.FleetScorecard(c), &closed); err != nil {
			t.Errorf("cycle %s holds results of %d hosts but no scorecard: %v", c, len(hs), err)
			continue
		}
		if closed.Reported != len(hs) || closed.Enrolled != len(hosts) {
			t.Errorf("cycle %s scored %d reporting hosts of %d enrolled; %d hosts have results there, %d are enrolled", c, closed.Reported, closed.Enrolled, len(hs), len(hosts))
		}
	}
	if len(sent) == 0 {
		t.Error("no reports were sent")
	}
	return len(sent)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// storeKinds are the stores every fault test that concerns both runs on.
var storeKinds = []string{"dir", "minio"}

// TestFaultBaseline: without faults, the count holds; the checks the
// other fault tests rely on are sound.
func TestFaultBaseline(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			fs := newFaultStore(t, kind, nil)
			p := newServerProc(t, fs)
			hosts := enrollHosts(t, p, 3)
			for range 2 {
				for _, h := range hosts {
					if res := h.send(t, p); len(res.Delivered) != 1 || res.Pending != 0 {
						t.Fatalf("%s: delivery %+v", h.name, res)
					}
				}
			}
			closed := closeCycle(t, p, p.admin())
			if closed.Reported != 3 {
				t.Errorf("closed cycle reported %d hosts, want 3", closed.Reported)
			}
			p.stop()
			st := fs.open(t)
			if n := countReports(t, st, hosts); n != 6 {
				t.Errorf("sent %d reports, want 6", n)
			}
		})
	}
}

// outage is how long the object store is down in
// TestFaultObjectStoreOutage: the 60 s, longer than the agent's
// first retry (ship.MinBackoff/2 to ship.MinBackoff) and than the
// client's request timeout used here, so requests fail in every way an
// outage makes them: refused connections, and requests that hang and
// time out.
const outage = 60 * time.Second

// TestFaultObjectStoreOutage stops MinIO for a minute in the middle of a
// burst of reports from four hosts, then restarts it on the same data:
// reports sent meanwhile wait in the agents' spools, and once the store is
// back every report is stored once and scored once.
func TestFaultObjectStoreOutage(t *testing.T) {
	m, err := miniotest.Start(context.Background(), miniotest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	fs := newFaultStore(t, "minio", m)
	p := newServerProc(t, fs)
	token := p.admin()
	hosts := enrollHosts(t, p, 4)

	stop := make(chan struct{})
	wait := burst(t, func() *serverProc { return p }, hosts, stop)
	time.Sleep(2 * time.Second)
	if err := m.Halt(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(outage)
	if err := m.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	close(stop)
	wait()
	spooled := 0
	for _, h := range hosts {
		n, _ := h.spool.Pending()
		spooled += len(n)
		h.drain(t, p)
	}
	t.Logf("%d reports waited in the spools when the burst ended", spooled)
	closeCycle(t, p, token)
	p.stop()
	st := fs.open(t)
	closeRemaining(t, p, st)
	n := countReports(t, st, hosts)
	t.Logf("%d reports sent across a %s object store outage", n, outage)
}

// TestFaultServerKilled kills the real server with SIGKILL in the middle
// of a burst of reports (some requests are cut between storing facts,
// results and the host record), and in the middle of closing a cycle
// (after the closing marker, before the scorecard), restarts it on the
// same store each time, and counts.
func TestFaultServerKilled(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind+"/mid-ingest", func(t *testing.T) { killMidIngest(t, kind) })
		t.Run(kind+"/mid-close", func(t *testing.T) { killMidClose(t, kind) })
	}
}

func killMidIngest(t *testing.T, kind string) {
	fs := newFaultStore(t, kind, nil)
	p := newServerProc(t, fs)
	token := p.admin()
	hosts := enrollHosts(t, p, 4)
	for i := range 3 {
		stop := make(chan struct{})
		wait := burst(t, func() *serverProc { return p }, hosts, stop)
		time.Sleep(time.Duration(700+300*i) * time.Millisecond)
		p.kill()
		close(stop)
		wait()
		p.start()
		if i == 2 {
			// The cycle closes before the agents send again: the reports
			// cut off by the kill come back after the close.
			closeCycle(t, p, token)
		}
	}
	spooled := 0
	for _, h := range hosts {
		n, _ := h.spool.Pending()
		spooled += len(n)
		h.drain(t, p)
	}
	p.stop()
	st := fs.open(t)
	closeRemaining(t, p, st)
	n := countReports(t, st, hosts)
	t.Logf("%d reports sent across 3 kills, %d of them spooled and sent again", n, spooled)
}

func killMidClose(t *testing.T, kind string) {
	fs := newFaultStore(t, kind, nil)
	p := newServerProc(t, fs)
	token := p.admin()
	hosts := enrollHosts(t, p, 4)
	st := fs.open(t)
	ctx := context.Background()

	stop := make(chan struct{})
	wait := burst(t, func() *serverProc { return p }, hosts, stop)
	time.Sleep(time.Second)
	// A report of another replica still in flight keeps the close waiting
	// (up to cycle.settle) after it wrote the closing marker.
	var c objkey.CycleID
	for o, err := range st.List(ctx, objkey.CyclesPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		if c, err = objkey.ParseCycle(o.Key); err != nil {
			t.Fatal(err)
		}
	}
	hid, _ := objkey.ParseHostID(hosts[0].id)
	rid, _ := objkey.ParseReportID(randomHex(16))
	if _, err := store.PutBytes(ctx, st, objkey.InFlight(c, hid, rid), []byte("{}"), store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	closing := make(chan error, 1)
	go func() {
		status, body, err := p.do("POST", "/api/v1/cycles/close", token)
		if err == nil {
			err = fmt.Errorf("close answered %d %s before the kill", status, body)
		}
		closing <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := st.Stat(ctx, objkey.Closing(c)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no closing marker for %s after 10s", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.kill()
	if err := <-closing; err != nil && strings.Contains(err.Error(), "before the kill") {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, objkey.FleetScorecard(c)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("scorecard of %s after the kill: %v, want none yet", c, err)
	}
	p.start()
	time.Sleep(time.Second) // reports go on, filed in the next cycle
	closed := closeCycle(t, p, token)
	if closed.Cycle != c.String() {
		t.Fatalf("close after restart closed %s, want %s", closed.Cycle, c)
	}
	close(stop)
	wait()
	for _, h := range hosts {
		h.drain(t, p)
	}
	p.stop()
	closeRemaining(t, p, st)
	n := countReports(t, st, hosts)
	t.Logf("%d reports sent around a close killed after its closing marker", n)
}

// TestFaultInterruptedReportResent replays, deterministically, what a
// server killed in the middle of storing a report leaves behind, a close
// of the cycle before the agent sends the report again, and the resend:
// the report ends up stored once and scored once.
func TestFaultInterruptedReportResent(t *testing.T) {
	tests := []struct {
		name string
		// results: the dead request had stored the results too (it died
		// before recording the report on the host).
		results bool
		// boundary: the resend comes after the cycle's scheduled end
		// rather than after an early close.
		boundary bool
	}{
		{name: "facts only, early close"},
		{name: "facts only, boundary", boundary: true},
		{name: "facts and results, early close", results: true},
		{name: "facts and results, boundary", results: true, boundary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := newDirServer(t)
			st := s.API.Store
			c, _, err := s.API.Schedule.Current(time.Now())
			if err != nil {
				t.Fatal(err)
			}
			next, err := s.API.Schedule.Next(c)
			if err != nil {
				t.Fatal(err)
			}
			h := (&fleetHost{}).newReport(t)
			hid := objkey.NewHostID()
			rid, err := objkey.ParseReportID(h.ID)
			if err != nil {
				t.Fatal(err)
			}
			host := ingest.Host{ID: hid, Name: "web-1"}
			if tt.results {
				// The whole report stored; the answer and the host record lost.
				if _, err := s.API.Ingest.Ingest(ctx, host, c, h.Body); err != nil {
					t.Fatal(err)
				}
			} else {
				// Facts stored, then the process died: its in-flight mark stays.
				if _, err := store.PutBytes(ctx, st, objkey.Facts(c, hid, rid), h.Body, store.PutOptions{WriteOnce: true}); err != nil {
					t.Fatal(err)
				}
			}
			s.Closer.Settle = 10 * time.Millisecond
			if _, err := s.Closer.Close(ctx, c); err != nil {
				t.Fatal(err)
			}
			at := c
			if tt.boundary {
				at = next
			}
			rc, err := s.API.Ingest.Ingest(ctx, host, at, h.Body)
			if err != nil {
				t.Fatal(err)
			}
			want := next
			if tt.results {
				want = c
			}
			if rc.CycleID != want.String() || rc.Duplicate != tt.results {
				t.Errorf("resend filed in %s (duplicate %v), want %s (duplicate %v)", rc.CycleID, rc.Duplicate, want, tt.results)
			}
			for _, prefix := range []string{objkey.FactsPrefix, objkey.ResultsPrefix} {
				locs := listReports(t, st, prefix)[h.ID]
				if len(locs) != 1 || locs[0].cycle != want {
					t.Errorf("%s of the report stored at %v, want once in %s", prefix, locs, want)
				}
			}
		})
	}
}

// TestFaultCorruptObject alters the stored results of one host behind the
// server's back (the checksum left stale): reading them answers a clear
// error, never the altered bytes, and closing the cycle reports the host
// as corrupt instead of failing or scoring it silently.
func TestFaultCorruptObject(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			fs := newFaultStore(t, kind, nil)
			p := newServerProc(t, fs)
			token := p.admin()
			hosts := enrollHosts(t, p, 2)
			for _, h := range hosts {
				if res := h.send(t, p); len(res.Delivered) != 1 {
					t.Fatalf("%s: delivery %+v", h.name, res)
				}
			}
			st := fs.open(t)
			var key string
			for o, err := range st.List(ctx, objkey.ResultsPrefix) {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(o.Key, "/"+hosts[0].id+"/") {
					key = o.Key
				}
			}
			good, _, err := store.GetBytes(ctx, st, key)
			if err != nil {
				t.Fatal(err)
			}
			var tam tamper.Store = tamper.Dir(fs.dir)
			if kind == "minio" {
				if tam, err = tamper.S3(fs.minio.Endpoint, fs.minio.AccessKey, fs.minio.SecretKey, fs.bucket); err != nil {
					t.Fatal(err)
				}
			}
			if err := tam.Rot(ctx, key); err != nil {
				t.Fatal(err)
			}
			if _, _, err := store.GetBytes(ctx, st, key); !errors.Is(err, store.ErrChecksum) {
				t.Fatalf("Get of the altered object = %v, want store.ErrChecksum", err)
			}
			status, body, err := p.do("GET", "/api/v1/hosts/"+hosts[0].id+"/results", token)
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusInternalServerError || !strings.Contains(string(body), "corrupt_object") || bytes.Contains(body, good[len(good)/2:]) {
				t.Errorf("GET results of the altered object = %d %.300s; want 500 corrupt_object without the object", status, body)
			}
			if status, _, _ := p.do("GET", "/api/v1/hosts/"+hosts[1].id+"/results", token); status != http.StatusOK {
				t.Errorf("GET results of the intact host = %d, want 200", status)
			}
			closed := closeCycle(t, p, token)
			if closed.Reported != 1 || closed.Enrolled != 2 || len(closed.Corrupt) != 1 || !strings.Contains(closed.Corrupt[0].Host, hosts[0].id) || !strings.Contains(closed.Corrupt[0].Error, "checksum") {
				t.Errorf("closed cycle: reported %d of %d, corrupt %+v; want 1 of 2 and %s corrupt", closed.Reported, closed.Enrolled, closed.Corrupt, hosts[0].id)
			}
		})
	}
}

// TestFaultClockSkew sends reports from agents whose clocks are hours off
// the server's. The server files a report in the cycle open when it
// receives it, whatever collected_at says, so a skewed clock never moves a
// report into another cycle. A clock more than an hour ahead is refused
// with a clear error (collected_at in the future), which the agent keeps
// in rejected/ with the reason; a clock behind is accepted up to
// limits.max_report_age (168h), filed in the server's current cycle.
func TestFaultClockSkew(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			fs := newFaultStore(t, kind, nil)
			p := newServerProc(t, fs)
			hosts := enrollHosts(t, p, 4)
			skews := []time.Duration{3 * time.Hour, -3 * time.Hour, 30 * time.Minute, -30 * time.Hour}
			for i, h := range hosts {
				h.skew = skews[i]
				res := h.send(t, p)
				refused := h.skew > time.Hour
				if refused != (len(res.Rejected) == 1) || len(res.Delivered)+len(res.Rejected) != 1 {
					t.Fatalf("clock %+v: delivery %+v, want refused %v", h.skew, res, refused)
				}
				if refused {
					rej, err := h.spool.Rejected()
					if err != nil || len(rej) != 1 {
						t.Fatalf("rejected/ = %v, %v", rej, err)
					}
					reason, err := os.ReadFile(strings.TrimSuffix(rej[0].Path, ".json") + spool.ReasonExt)
					if err != nil || !strings.Contains(string(reason), "collected_at") || !strings.Contains(string(reason), "future") {
						t.Errorf("reason kept for the refused report: %q, %v", reason, err)
					}
					h.sent = nil // refused with a clear error: nothing stored
				}
			}
			closed := closeCycle(t, p, p.admin())
			if closed.Reported != 3 {
				t.Errorf("closed cycle %s reported %d hosts, want the 3 accepted", closed.Cycle, closed.Reported)
			}
			p.stop()
			st := fs.open(t)
			countReports(t, st, hosts)
			for id, locs := range listReports(t, st, objkey.ResultsPrefix) {
				if locs[0].cycle.String() != closed.Cycle {
					t.Errorf("report %s filed in %s, want the server's current cycle %s", id, locs[0].cycle, closed.Cycle)
				}
			}
		})
	}
}

// TestFaultReplicasCloseSameCycle runs two server replicas on one store,
// each taking reports, and closes the same cycle on both at once: one
// scorecard is written, both answer it, and every report is stored once
// and scored once.
func TestFaultReplicasCloseSameCycle(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			fs := newFaultStore(t, kind, nil)
			a := newServerProc(t, fs)
			token := a.admin()
			b := newServerProc(t, fs)
			hosts := enrollHosts(t, a, 4)
			stop := make(chan struct{})
			waitA := burst(t, func() *serverProc { return a }, hosts[:2], stop)
			waitB := burst(t, func() *serverProc { return b }, hosts[2:], stop)
			time.Sleep(time.Second)
			var (
				wg     sync.WaitGroup
				closed [2]cycle.Closed
			)
			for i, p := range []*serverProc{a, b} {
				wg.Add(1)
				go func() { defer wg.Done(); closed[i] = closeCycle(t, p, token) }()
			}
			wg.Wait()
			time.Sleep(500 * time.Millisecond)
			close(stop)
			waitA()
			waitB()
			if closed[0].Cycle != closed[1].Cycle || !closed[0].GeneratedAt.Equal(closed[1].GeneratedAt) || closed[0].Reported != closed[1].Reported {
				t.Errorf("replicas answered different scorecards: %s at %s (%d hosts) and %s at %s (%d hosts)",
					closed[0].Cycle, closed[0].GeneratedAt, closed[0].Reported, closed[1].Cycle, closed[1].GeneratedAt, closed[1].Reported)
			}
			for i, h := range hosts {
				h.drain(t, []*serverProc{a, b}[i/2])
			}
			a.stop()
			b.stop()
			st := fs.open(t)
			closeRemaining(t, a, st)
			n := countReports(t, st, hosts)
			t.Logf("%d reports sent to two replicas closing cycle %s together", n, closed[0].Cycle)
		})
	}
}
