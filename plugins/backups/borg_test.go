package backups

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestBorgWithPassword makes repositories with the real borg and reads
// them through `borg list`: the newest archive's time and whether the
// mode encrypts; a wrong passphrase falls back to the repository's files
// with a warning.
func TestBorgWithPassword(t *testing.T) {
	bin, err := exec.LookPath("borg")
	if err != nil {
		t.Fatalf("borg is not installed (make deps installs it): %v", err)
	}
	dir := host(t, "none")
	for name, content := range map[string]string{"srv/data/a.txt": "a\n", "etc/borg.pass": "fixture passphrase\n", "etc/wrong.pass": "nope\n"} {
		p := filepath.Join(dir, name)
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
		cmd.Dir = dir
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "BORG_BASE_DIR=" + t.TempDir(), "BORG_PASSPHRASE=fixture passphrase", "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("borg %v: %v\n%s", args, err, out)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "srv/borg"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"repokey", "authenticated"} {
		repo := filepath.Join(dir, "srv/borg", mode)
		borg("init", "-e", mode, repo)
		borg("create", repo+"::nightly", "srv/data")
	}
	before := time.Now().Add(-time.Minute)
	tests := []struct {
		name, repo, password string
		wantEncrypted        bool
		wantWarnings         int
	}{
		{"repokey", "/srv/borg/repokey", "/etc/borg.pass", true, 0},
		{"authenticated only", "/srv/borg/authenticated", "/etc/borg.pass", false, 0},
		{"wrong passphrase: the files still tell", "/srv/borg/repokey", "/etc/wrong.pass", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, dir, `{"borg_binary":"`+bin+`","jobs":[{"tool":"borg","name":"x","repository":"`+tt.repo+`","password_file":"`+tt.password+`"}]}`)
			if len(f.Jobs) != 1 || len(warns) != tt.wantWarnings {
				t.Fatalf("jobs %+v, warnings %q; want one job, %d warnings", f.Jobs, warns, tt.wantWarnings)
			}
			j := f.Jobs[0]
			if j.LastSuccess == nil || j.LastSuccess.Before(before) || j.LastSuccess.After(time.Now().Add(time.Second)) {
				t.Errorf("last success %v, want within the last minute", j.LastSuccess)
			}
			if j.Encrypted == nil || *j.Encrypted != tt.wantEncrypted {
				t.Errorf("encrypted %v, want %v", j.Encrypted, tt.wantEncrypted)
			}
		})
	}
}

func TestBorgConfigDamage(t *testing.T) {
	const head = "[repository]\nversion = 1\nappend_only = 1\nid = be398303b1a5af04b822af596bccf92229b11ee65f12ea17ebde8dd96de449a8\n"
	tests := []struct {
		name, config string
		damaged      bool
	}{
		{"keyfile mode", head, false},
		{"repokey", head + "key = aGVsbG8g\n\td29ybGQh\n", false},
		{"cut inside the key", head + "key = aGVsbG8g\n\td29y", true},
		{"key cut at a line end", head + "key = aGVsbG8g\n\td29yb\n", true},
		{"binary", head + "\x00\x01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := borgConfigDamage([]byte(tt.config)); (got != "") != tt.damaged {
				t.Errorf("borgConfigDamage = %q, want damaged %v", got, tt.damaged)
			}
		})
	}
}
