package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/miniotest"
	"github.com/auditfleet/auditfleet/internal/seaweedtest"
	"github.com/auditfleet/auditfleet/internal/testbin"
	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

var (
	binDir  string              // the agent and its real plugins
	minio   *miniotest.Server   // one MinIO for the package
	seaweed *seaweedtest.Server // one SeaweedFS for the package
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "auditfleet-e2e")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	binDir = dir
	if err := testbin.Build("..", dir); err != nil {
		return 1, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if minio, err = miniotest.Start(ctx, miniotest.Options{}); err != nil {
		return 1, fmt.Errorf("start minio: %w", err)
	}
	defer minio.Stop()
	if seaweed, err = seaweedtest.Start(ctx); err != nil {
		return 1, fmt.Errorf("start seaweedfs: %w", err)
	}
	code := m.Run()
	if err := errors.Join(minio.Stop(), seaweed.Stop()); err != nil {
		return 1, err
	}
	return code, nil
}

// agent runs the built agent and fails the test on a non-zero exit.
func agent(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "auditfleet-agent"), args...)
	cmd.Env = append(os.Environ(), "AUDITFLEET_CONFIG=", "AUDITFLEET_HOST_ROOT=", "AUDITFLEET_PLUGIN_DIR=", "AUDITFLEET_ENROLL_SECRET=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("auditfleet-agent %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestFleetEndToEnd enrolls two real agents (real plugins, fixture host
// roots) with a real server, runs a cycle, finds the facts, results and
// fleet scorecard in storage, and decommissions both hosts, one with
// evidence under legal hold: on the directory store, and on object-lock
// buckets of MinIO and SeaweedFS, each opened and probed as the server
// opens its storage.
func TestFleetEndToEnd(t *testing.T) {
	s3 := func(t *testing.T, endpoint, bucket, accessKey, secretKey string) store.Backend {
		useTLS := false
		st, err := server.OpenStore(context.Background(), config.Storage{Type: "s3", S3: config.S3{Endpoint: endpoint, Bucket: bucket, PathStyle: true, AccessKey: accessKey, SecretKey: secretKey, UseTLS: &useTLS}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	backends := map[string]func(t *testing.T) store.Backend{
		"dir": func(t *testing.T) store.Backend {
			st, err := dirstore.Open(filepath.Join(t.TempDir(), "store"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		"minio": func(t *testing.T) store.Backend {
			return s3(t, minio.Endpoint, minio.NewBucket(t, true, true), minio.AccessKey, minio.SecretKey)
		},
		"seaweedfs": func(t *testing.T) store.Backend {
			return s3(t, seaweed.Endpoint, seaweed.NewBucket(t, true, true), seaweed.AccessKey, seaweed.SecretKey)
		},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) { fleetEndToEnd(t, open(t)) })
	}
}

func fleetEndToEnd(t *testing.T, st store.Backend) {
	ctx, cancel := context.WithCancel(context.Background())
	cfg := config.Default(t.TempDir())
	cfg.Listen = "127.0.0.1:0"
	s, err := server.New(ctx, cfg, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ready) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	url := <-ready

	secret, err := s.Registry.CreateEnrollSecret(ctx, "e2e", nil)
	if err != nil {
		t.Fatal(err)
	}
	secretFile := filepath.Join(t.TempDir(), "enroll-secret")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	admin, _, err := s.Tokens.Issue(ctx, auth.Principal{Kind: "person", ID: "e2e-admin", Role: auth.Admin}, auth.PersonTokenPrefix, nil)
	if err != nil {
		t.Fatal(err)
	}

	// The assurance team accepts the risk on uid0-empty until it is rebuilt.
	today := time.Now().UTC()
	waivers := fmt.Appendf(nil, "waivers:\n  - id: W-7\n    control: ICO-ACC-03\n    hosts: [\"uid0-*\"]\n    reason: Host is rebuilt next month.\n    approver: SIRO\n    created: %s\n    expires: %s\n",
		today.AddDate(0, 0, -1).Format("2006-01-02"), today.AddDate(0, 0, 60).Format("2006-01-02"))
	if _, err := s.Org.Upload(ctx, mustKind(t, "waivers"), "application/yaml", waivers, "person:e2e-admin"); err != nil {
		t.Fatal(err)
	}

	plugins := filepath.Join(binDir, "plugins")
	for _, host := range []string{"debian12-lts", "uid0-empty"} {
		root := filepath.Join("..", "testdata", "hosts", host)
		stateDir := filepath.Join(t.TempDir(), host)
		agent(t, "enroll", "--server", url, "--secret-file", secretFile, "--state-dir", stateDir, "--host-root", root, "--plugin-dir", plugins)
		agent(t, "run", "--once", "--state-dir", stateDir, "--host-root", root, "--plugin-dir", plugins)
	}

	req, _ := http.NewRequest("POST", url+"/api/v1/cycles/close", bytes.NewReader(nil))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("X-Justification", "end-to-end test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("close cycle: %d %s", resp.StatusCode, body)
	}
	var closed struct {
		Cycle    string `json:"cycle"`
		Enrolled int    `json:"enrolled_hosts"`
		Reported int    `json:"reported_hosts"`
		Overall  struct {
			Rating string `json:"rating"`
		} `json:"overall"`
		AcceptedRisks []struct {
			ControlID string `json:"control_id"`
		} `json:"accepted_risks"`
	}
	if err := json.Unmarshal(body, &closed); err != nil {
		t.Fatal(err)
	}
	if closed.Enrolled != 2 || closed.Reported != 2 || closed.Overall.Rating == "" {
		t.Errorf("closed cycle: %s", body)
	}
	accepted := map[string]bool{}
	for _, f := range closed.AcceptedRisks {
		accepted[f.ControlID] = true
	}
	if !accepted["ICO-ACC-03"] {
		t.Errorf("fleet scorecard accepted risks %v lack the waived ICO-ACC-03 of uid0-empty", closed.AcceptedRisks)
	}

	cycle, err := objkey.ParseCycleID(closed.Cycle)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, objkey.FleetScorecard(cycle)); err != nil {
		t.Errorf("fleet scorecard object: %v", err)
	}
	statuses := map[string]map[string]string{} // hostname -> control -> status
	facts := 0
	for o, err := range st.List(ctx, objkey.CycleFacts(cycle)) {
		if err != nil {
			t.Fatal(err)
		}
		facts++
		_ = o
	}
	for o, err := range st.List(ctx, objkey.CycleResults(cycle)) {
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Host    string `json:"host"`
			Results []struct {
				ControlID string `json:"control_id"`
				Status    string `json:"status"`
			} `json:"results"`
		}
		if _, err := store.GetJSON(ctx, st, o.Key, &rec); err != nil {
			t.Fatal(err)
		}
		statuses[rec.Host] = map[string]string{}
		for _, r := range rec.Results {
			statuses[rec.Host][r.ControlID] = r.Status
		}
	}
	if facts != 2 || len(statuses) != 2 {
		t.Fatalf("cycle %s holds %d facts and results for %v, want 2 and 2", cycle, facts, statuses)
	}
	if got := statuses["debian12-lts"]["ICO-SEC-01"]; got != "pass" {
		t.Errorf("debian12-lts ICO-SEC-01 = %q, want pass (Debian LTS)", got)
	}
	if got := statuses["uid0-empty"]["ICO-ACC-03"]; got != "waived" {
		t.Errorf("uid0-empty ICO-ACC-03 = %q, want waived (it fails: extra UID 0, empty password; W-7 covers it)", got)
	}
	decommission(t, s, st, url, admin, cycle)
}

// decommission erases the hosts of the end-to-end test: debian12-lts at
// once; uid0-empty with its facts under legal hold, which the erasure
// keeps and reports (409) while deleting the rest, then again once the
// hold is lifted. Erased evidence is gone with every version.
func decommission(t *testing.T, s *server.Server, st store.Backend, url, admin string, cycle objkey.CycleID) {
	ctx := context.Background()
	hosts := map[string]objkey.HostID{}
	for h, err := range s.Registry.List(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		hosts[h.Hostname] = h.ID
	}
	keysOf := func(host string) []string {
		var keys []string
		for _, prefix := range objkey.HostData(cycle, hosts[host]) {
			for o, err := range st.List(ctx, prefix) {
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, o.Key)
			}
		}
		return keys
	}
	erase := func(host string) (int, string) {
		req, _ := http.NewRequest(http.MethodDelete, url+"/api/v1/hosts/"+hosts[host].String(), nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("X-Justification", "end-to-end test: host retired")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	gone := func(key string) {
		t.Helper()
		if _, err := st.Stat(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Stat(%s) after decommission = %v, want ErrNotFound", key, err)
		}
		if v, ok := st.(interface {
			Versions(context.Context, string) ([]store.Object, error)
		}); ok {
			if vs, err := v.Versions(ctx, key); err != nil || len(vs) != 0 {
				t.Errorf("versions of %s after decommission = %d, %v; want none", key, len(vs), err)
			}
		}
	}

	plain := keysOf("debian12-lts")
	if len(plain) < 2 {
		t.Fatalf("debian12-lts has %q in cycle %s, want its facts and results", plain, cycle)
	}
	code, body := erase("debian12-lts")
	var erased struct {
		Deleted int `json:"objects_deleted"`
	}
	if err := json.Unmarshal([]byte(body), &erased); code != http.StatusOK || err != nil || erased.Deleted != len(plain) {
		t.Fatalf("decommission debian12-lts = %d %s, want 200 and %d objects deleted", code, body, len(plain))
	}
	for _, k := range plain {
		gone(k)
	}

	holder, ok := st.(interface {
		SetLegalHold(context.Context, string, bool) error
	})
	if !ok {
		t.Fatalf("%T has no legal holds", st)
	}
	held := keysOf("uid0-empty")
	facts := objkey.HostFacts(cycle, hosts["uid0-empty"])
	var heldKey string
	for _, k := range held {
		if strings.HasPrefix(k, facts) {
			heldKey = k
		}
	}
	if heldKey == "" {
		t.Fatalf("uid0-empty has no facts in %q", held)
	}
	if err := holder.SetLegalHold(ctx, heldKey, true); err != nil {
		t.Fatal(err)
	}
	if code, body := erase("uid0-empty"); code != http.StatusConflict || !strings.Contains(body, "1 objects kept") {
		t.Fatalf("decommission of uid0-empty with held facts = %d %s, want 409 reporting 1 object kept", code, body)
	}
	if _, err := st.Stat(ctx, heldKey); err != nil {
		t.Errorf("held facts %s after decommission = %v, want them kept", heldKey, err)
	}
	for _, k := range held {
		if k != heldKey {
			gone(k)
		}
	}
	if err := holder.SetLegalHold(ctx, heldKey, false); err != nil {
		t.Fatal(err)
	}
	if code, body := erase("uid0-empty"); code != http.StatusOK {
		t.Fatalf("decommission of uid0-empty after the hold was lifted = %d %s, want 200", code, body)
	}
	gone(heldKey)
}

// TestPublicStorageRefusedAtStart: the server will not start on a bucket
// that anyone can read or list, nor on a world-readable directory store.
func TestPublicStorageRefusedAtStart(t *testing.T) {
	ctx := context.Background()
	bucket := minio.NewBucket(t, true, false)
	s3cfg := config.S3{Endpoint: minio.Endpoint, Bucket: bucket, PathStyle: true, AccessKey: minio.AccessKey, SecretKey: minio.SecretKey, CAFile: minio.CAFile}
	useTLS := minio.CAFile != ""
	s3cfg.UseTLS = &useTLS
	if _, err := server.OpenStore(ctx, config.Storage{Type: "s3", S3: s3cfg}, nil); err != nil {
		t.Fatalf("private bucket refused: %v", err)
	}
	// The policy `mc anonymous set download` writes: anonymous GetObject.
	minio.SetBucketPolicy(t, bucket, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::`+bucket+`/*"]}]}`)
	if _, err := server.OpenStore(ctx, config.Storage{Type: "s3", S3: s3cfg}, nil); err == nil || !strings.Contains(err.Error(), "refusing to start") {
		t.Errorf("public bucket: OpenStore error = %v, want a refusal", err)
	}

	dir := filepath.Join(t.TempDir(), "store")
	if _, err := server.OpenStore(ctx, config.Storage{Type: "dir", Dir: dir}, nil); err != nil {
		t.Fatalf("private directory refused: %v", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := server.OpenStore(ctx, config.Storage{Type: "dir", Dir: dir}, nil); err == nil || !strings.Contains(err.Error(), "refusing to start") {
		t.Errorf("world-readable directory: OpenStore error = %v, want a refusal", err)
	}
}

func mustKind(t *testing.T, s string) objkey.OrgKind {
	t.Helper()
	k, err := objkey.ParseOrgKind(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
