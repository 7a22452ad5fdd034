package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/plugins/backups"
)

// resticHost makes a host root with data under /srv/casework backed up
// by the real restic into the repository /srv/restic, and an agent
// configuration declaring the job. It returns the root and the
// configuration file.
func resticHost(t *testing.T) (root, cfg string) {
	t.Helper()
	bin, err := exec.LookPath("restic")
	if err != nil {
		t.Fatalf("restic is not installed (make deps installs it): %v", err)
	}
	root = t.TempDir()
	files := map[string]string{
		"srv/casework/cases.csv":        "id,name\n1,Example\n",
		"srv/casework/notes/2026-08.md": strings.Repeat("note\n", 1000),
		"srv/casework/empty":            "",
		"etc/auditfleet/restic.pass":    "correct horse battery staple\n",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	restic := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--no-cache", "--quiet", "--repo", filepath.Join(root, "srv/restic"), "--password-file", filepath.Join(root, "etc/auditfleet/restic.pass")}, args...)...)
		cmd.Dir = root // paths in the snapshot are then the host's: /srv/casework/...
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("restic %v: %v\n%s", args, err, out)
		}
	}
	restic("init")
	restic("backup", "srv/casework")
	opts := map[string]any{"restic_binary": bin, "jobs": []any{map[string]any{
		"tool": "restic", "name": "casework", "repository": "/srv/restic", "password_file": "/etc/auditfleet/restic.pass",
	}}}
	b, err := json.Marshal(map[string]any{"host_root": root, "plugin_dir": filepath.Join(binDir, "plugins"), "collectors": map[string]any{"backups": opts}})
	if err != nil {
		t.Fatal(err)
	}
	cfg = filepath.Join(t.TempDir(), "agent.yaml")
	if err := os.WriteFile(cfg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return root, cfg
}

// statusOf returns the status of control id in a scan.
func statusOf(t *testing.T, cfg, id string) (string, []string) {
	t.Helper()
	out, stderr, _ := agentCmd(t, "scan", "--config", cfg, "--format", "json")
	var doc scanDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("scan output: %v\n%s\n%s", err, out, stderr)
	}
	for _, r := range doc.Results {
		if r.ControlID == id {
			var details []string
			for _, e := range r.Evidence {
				details = append(details, e.Detail)
			}
			return r.Status, details
		}
	}
	t.Fatalf("scan has no %s result:\n%s", id, out)
	return "", nil
}

// TestRestoreTestRestic backs up a host with the real restic, then checks
// the whole path: the collector finds the backup (ICO-BKP-01 passes),
// no restore test is recorded (ICO-BKP-02 fails), restore-test restores
// and verifies a sample and records it, and ICO-BKP-02 then passes.
func TestRestoreTestRestic(t *testing.T) {
	root, cfg := resticHost(t)
	if st, ev := statusOf(t, cfg, "ICO-BKP-01"); st != "pass" {
		t.Errorf("before: ICO-BKP-01 = %s %v, want pass", st, ev)
	}
	if st, ev := statusOf(t, cfg, "ICO-BKP-02"); st != "fail" {
		t.Errorf("before: ICO-BKP-02 = %s %v, want fail", st, ev)
	}
	out, stderr, code := agentCmd(t, "restore-test", "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "restic:casework: pass: 3 files") {
		t.Fatalf("restore-test = %d\n%s\n%s", code, out, stderr)
	}
	recs, err := filepath.Glob(filepath.Join(root, backups.DefaultRecordDir, "*-restic_casework.json"))
	if err != nil || len(recs) != 1 {
		t.Fatalf("records = %v, %v; want one", recs, err)
	}
	b, err := os.ReadFile(recs[0])
	if err != nil {
		t.Fatal(err)
	}
	rec, err := backups.ParseRecord(b)
	if err != nil {
		t.Fatalf("record does not parse: %v\n%s", err, b)
	}
	if rec.Result != "pass" || rec.ChecksumMatch == nil || !*rec.ChecksumMatch || len(rec.Files) != 3 || time.Since(rec.PerformedAt) > time.Hour {
		t.Errorf("record = %+v", rec)
	}
	for _, f := range rec.Files {
		if f.Live != "match" || len(f.SHA256) != 64 {
			t.Errorf("record file %+v, want a live match", f)
		}
	}
	if st, ev := statusOf(t, cfg, "ICO-BKP-02"); st != "pass" {
		t.Errorf("after: ICO-BKP-02 = %s %v, want pass", st, ev)
	}
}

// TestRestoreTestFailures: a live file that differs from its backup
// although its size and time are unchanged, and a repository that lost
// its data to bit rot, both give a failed test with a record, not a crash; an
// unknown job is an operational error.
func TestRestoreTestFailures(t *testing.T) {
	t.Run("mismatch", func(t *testing.T) {
		root, cfg := resticHost(t)
		p := filepath.Join(root, "srv/casework/cases.csv")
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("id,name\n1,Exampl3\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := agentCmd(t, "restore-test", "--config", cfg, "--job", "casework")
		if code != ExitFailed || !strings.Contains(out, "fail") || !strings.Contains(out, "/srv/casework/cases.csv differs from the live file") {
			t.Errorf("restore-test = %d\n%s\n%s", code, out, stderr)
		}
	})
	t.Run("repository damaged", func(t *testing.T) {
		root, cfg := resticHost(t)
		// Bit rot in every pack file: the snapshot list still reads, the
		// content does not decrypt.
		err := filepath.WalkDir(filepath.Join(root, "srv/restic/data"), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for i := range b {
				b[i] ^= 0x5a
			}
			return os.WriteFile(p, b, 0o600)
		})
		if err != nil {
			t.Fatal(err)
		}
		out, stderr, code := agentCmd(t, "restore-test", "--config", cfg)
		if code != ExitFailed || !strings.Contains(out, "restic:casework: fail") {
			t.Errorf("restore-test = %d\n%s\n%s", code, out, stderr)
		}
		if st, ev := statusOf(t, cfg, "ICO-BKP-02"); st != "fail" || !strings.Contains(strings.Join(ev, " "), "failed") {
			t.Errorf("ICO-BKP-02 = %s %v, want fail naming the failed test", st, ev)
		}
	})
	t.Run("unknown job", func(t *testing.T) {
		_, cfg := resticHost(t)
		_, stderr, code := agentCmd(t, "restore-test", "--config", cfg, "--job", "nope")
		if code != ExitError || !strings.Contains(stderr, `no backup job "nope"`) {
			t.Errorf("restore-test = %d\n%s", code, stderr)
		}
	})
}

// TestRestoreTestBorg backs up a host with the real borg and checks that
// restore-test restores and compares a sample of the newest archive,
// turning ICO-BKP-02 from fail to pass.
func TestRestoreTestBorg(t *testing.T) {
	bin, err := exec.LookPath("borg")
	if err != nil {
		t.Fatalf("borg is not installed (make deps installs it): %v", err)
	}
	root := t.TempDir()
	files := map[string]string{
		"srv/casework/cases.csv":   "id,name\n1,Example\n",
		"srv/casework/notes.md":    strings.Repeat("note\n", 1000),
		"etc/auditfleet/borg.pass": "correct horse battery staple\n",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	borg := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = root // paths in the archive are then the host's: srv/casework/...
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "BORG_BASE_DIR=" + t.TempDir(), "BORG_PASSPHRASE=correct horse battery staple"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("borg %v: %v\n%s", args, err, out)
		}
	}
	borg("init", "-e", "repokey", filepath.Join(root, "srv/borg"))
	borg("create", filepath.Join(root, "srv/borg")+"::nightly-1", "srv/casework")
	opts := map[string]any{"borg_binary": bin, "jobs": []any{map[string]any{
		"tool": "borg", "name": "casework", "repository": "/srv/borg", "password_file": "/etc/auditfleet/borg.pass",
	}}}
	b, err := json.Marshal(map[string]any{"host_root": root, "plugin_dir": filepath.Join(binDir, "plugins"), "collectors": map[string]any{"backups": opts}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "agent.yaml")
	if err := os.WriteFile(cfg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if st, ev := statusOf(t, cfg, "ICO-BKP-02"); st != "fail" {
		t.Errorf("before: ICO-BKP-02 = %s %v, want fail", st, ev)
	}
	out, stderr, code := agentCmd(t, "restore-test", "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "borg:casework: pass: 2 files") || !strings.Contains(out, "2 match") {
		t.Fatalf("restore-test = %d\n%s\n%s", code, out, stderr)
	}
	if st, ev := statusOf(t, cfg, "ICO-BKP-02"); st != "pass" {
		t.Errorf("after: ICO-BKP-02 = %s %v, want pass", st, ev)
	}
}
