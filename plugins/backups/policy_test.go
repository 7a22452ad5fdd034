package backups

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// policyNow is the evaluation time of the policy tests: a day after the
// fixture files' time.
var policyNow = fileTime.Add(24 * time.Hour)

// TestPolicies runs the collector on fixture hosts and evaluates ICO-BKP-01,
// ICO-BKP-02 and ICO-BKP-03 on its output: a passing and a failing case
// for each.
func TestPolicies(t *testing.T) {
	const (
		current     = `{"no_systemd":true,"rsnapshot_config":"/none","jobs":[{"tool":"borg","name":"casework","repository":"/srv/borg/encrypted"}]}`
		stale       = `{"no_systemd":true,"rsnapshot_config":"/none","jobs":[{"tool":"borg","repository":"/srv/borg/plain"}]}`
		unprotected = `{"no_systemd":true,"rsnapshot_config":"/none","jobs":[{"tool":"borg","name":"auth","repository":"/srv/borg/authenticated"}]}`
	)
	tests := []struct {
		name, host, options string
		edit                func(t *testing.T, dir string)
		want                map[string]result.Status
	}{
		{"no backup at all", "none", `{}`, nil, map[string]result.Status{"ICO-BKP-01": result.Fail, "ICO-BKP-02": result.Fail, "ICO-BKP-03": result.NotAssessed}},
		{"current, protected, restore tested", "full", current, nil, map[string]result.Status{"ICO-BKP-01": result.Pass, "ICO-BKP-02": result.Pass, "ICO-BKP-03": result.Pass}},
		{"stale and unencrypted", "full", stale, nil, map[string]result.Status{"ICO-BKP-01": result.Fail, "ICO-BKP-03": result.Fail}},
		{"authenticated only, on this host", "full", unprotected, nil, map[string]result.Status{"ICO-BKP-03": result.Fail}},
		{"rsnapshot's last run failed two days ago, last success three", "full", `{"no_systemd":true}`, nil, map[string]result.Status{"ICO-BKP-01": result.Pass}},
		{"only a failed restore test", "full", current, func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "var/lib/auditfleet/restore-tests/2026-07-15-casework.json")); err != nil {
				t.Fatal(err)
			}
		}, map[string]result.Status{"ICO-BKP-02": result.Fail}},
		// Outcomes from the journal: db-backup.service last succeeded two
		// days before policyNow; other-backup.service ten days before, and
		// has failed every night since.
		{"systemd timer that succeeded two days ago", "full", `{"rsnapshot_config":"/none"}`, onlyTimer("db-backup.timer"), map[string]result.Status{"ICO-BKP-01": result.Pass}},
		{"systemd timer failing since a success ten days ago", "full", `{"rsnapshot_config":"/none"}`, onlyTimer("other-backup.timer"), map[string]result.Status{"ICO-BKP-01": result.Fail}},
		{"template timer instance that succeeded yesterday", "full", `{"rsnapshot_config":"/none"}`, onlyTimer("home-backup@alice.timer"), map[string]result.Status{"ICO-BKP-01": result.Pass}},
		{"systemd timer without its journal", "full", `{"rsnapshot_config":"/none"}`, func(t *testing.T, dir string) {
			onlyTimer("db-backup.timer")(t, dir)
			if err := os.RemoveAll(filepath.Join(dir, "var/log/journal")); err != nil {
				t.Fatal(err)
			}
		}, map[string]result.Status{"ICO-BKP-01": result.Fail}},
		{"journal older than the lookback", "full", `{"rsnapshot_config":"/none","journal_lookback_days":1}`, onlyTimer("db-backup.timer"), map[string]result.Status{"ICO-BKP-01": result.Fail}},
	}
	e := policytest.Engine(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := host(t, tt.host)
			if tt.edit != nil {
				tt.edit(t, dir)
			}
			f, _ := mustFacts(t, dir, tt.options)
			results := policytest.Evaluate(t, e, policytest.Doc{
				Host:  map[string]any{"id": "h", "name": "db-01"},
				Facts: map[string]any{Namespace: f},
			}, policyNow)
			policytest.Check(t, results, tt.want)
		})
	}
}

// onlyTimer leaves timer the only backup timer enabled on the copied host.
func onlyTimer(timer string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		wants := filepath.Join(dir, "etc/systemd/system/timers.target.wants")
		links, err := os.ReadDir(wants)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range links {
			if l.Name() == timer {
				found = true
				continue
			}
			if err := os.Remove(filepath.Join(wants, l.Name())); err != nil {
				t.Fatal(err)
			}
		}
		if !found {
			t.Fatalf("%s is not enabled on the fixture host", timer)
		}
	}
}

// TestResticLocalRepository backs up with the real restic and reads the
// repository two ways: without credentials (the newest snapshot file's
// time) and with the password file (restic's own snapshot time).
func TestResticLocalRepository(t *testing.T) {
	bin, err := exec.LookPath("restic")
	if err != nil {
		t.Fatalf("restic is not installed (make deps installs it): %v", err)
	}
	dir := host(t, "none")
	for name, content := range map[string]string{"srv/data/a.txt": "a\n", "etc/restic.pass": "pw\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init"}, {"backup", "srv/data"}} {
		cmd := exec.Command(bin, append([]string{"--no-cache", "-q", "-r", filepath.Join(dir, "srv/restic"), "--password-file", filepath.Join(dir, "etc/restic.pass")}, args...)...)
		cmd.Dir, cmd.Env = dir, []string{"HOME=" + t.TempDir()}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("restic %v: %v\n%s", args, err, out)
		}
	}
	before := time.Now().Add(-time.Minute)
	for _, tt := range []struct{ name, options string }{
		{"files only", `{"jobs":[{"tool":"restic","name":"data","repository":"/srv/restic"}]}`},
		{"with password", `{"restic_binary":"` + bin + `","jobs":[{"tool":"restic","name":"data","repository":"/srv/restic","password_file":"/etc/restic.pass"}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, dir, tt.options)
			if len(f.Jobs) != 1 || len(warns) != 0 {
				t.Fatalf("jobs %+v, warnings %q; want one job, no warning", f.Jobs, warns)
			}
			j := f.Jobs[0]
			if j.LastSuccess == nil || j.LastSuccess.Before(before) || j.LastSuccess.After(time.Now()) || j.LastResult != "success" {
				t.Errorf("job %+v, want a success in the last minute", j)
			}
			if j.Encrypted == nil || !*j.Encrypted || j.Immutable != nil && *j.Immutable {
				t.Errorf("job %+v: want encrypted, not immutable", j)
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, "etc/wrong.pass"), []byte("nope\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, warns := mustFacts(t, dir, `{"restic_binary":"`+bin+`","jobs":[{"tool":"restic","name":"data","repository":"/srv/restic","password_file":"/etc/wrong.pass"}]}`)
		// restic refuses; the collector falls back to the snapshot files.
		if len(warns) != 1 || f.Jobs[0].LastSuccess == nil {
			t.Errorf("jobs %+v, warnings %q; want the file time and one warning", f.Jobs, warns)
		}
	})
}
