package services

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		in   fields
		ok   bool
		want event
	}{
		{"failure result", fields{pid: 1, ident: "systemd", messageID: msgUnitFailureResult, unit: "a.service", unitResult: "signal"}, true, event{kind: unitFailed, unit: "a.service", result: "signal"}},
		{"failed to start", fields{pid: 1, messageID: msgUnitFailed, unit: "a.timer", jobResult: "failed"}, true, event{kind: unitFailed, unit: "a.timer"}},
		{"dependency failed", fields{pid: 1, messageID: msgUnitFailed, unit: "a.service", jobResult: "dependency"}, false, event{}},
		{"deactivated", fields{pid: 1, messageID: msgUnitSuccess, unit: "a.service"}, true, event{kind: unitOK, unit: "a.service"}},
		{"started done", fields{pid: 1, messageID: msgUnitStarted, unit: "a.mount", jobResult: "done"}, true, event{kind: unitOK, unit: "a.mount"}},
		{"not a unit", fields{pid: 1, messageID: msgUnitFailureResult, unit: "a.bogus"}, false, event{}},
		{"other message id", fields{pid: 1, messageID: "0123456789abcdef0123456789abcdef", message: "a.service: Failed with result 'x'."}, false, event{}},
		{"not pid 1", fields{pid: 77, ident: "systemd", message: "a.service: Failed with result 'exit-code'."}, false, event{}},
		{"text failure", fields{pid: 1, ident: "systemd", message: "backup-db.service: Failed with result 'exit-code'."}, true, event{kind: unitFailed, unit: "backup-db.service", result: "exit-code"}},
		{"text succeeded", fields{pid: 1, ident: "systemd", message: "a.service: Succeeded."}, true, event{kind: unitOK, unit: "a.service"}},
		{"text deactivated", fields{pid: 1, ident: "systemd", message: "a.socket: Deactivated successfully."}, true, event{kind: unitOK, unit: "a.socket"}},
		{"text finished", fields{pid: 1, ident: "systemd", message: "Finished logrotate.service - Rotate log files."}, true, event{kind: unitOK, unit: "logrotate.service"}},
		{"text started without unit name", fields{pid: 1, ident: "systemd", message: "Started Rotate log files."}, false, event{}},
		{"boot", fields{pid: 1, ident: "systemd", message: "systemd 252.39-1~deb12u1 running in system mode (+PAM)"}, true, event{kind: bootMark}},
		{"cron cmd", fields{pid: 12, ident: "CRON", message: "(root) CMD (cd / && run-parts --report /etc/cron.hourly)"}, true, event{kind: cronRun, user: "root", command: "cd / && run-parts --report /etc/cron.hourly", pid: 12}},
		{"cronie cmd", fields{pid: 12, ident: "CROND", message: "(alice) CMD (/bin/true)"}, true, event{kind: cronRun, user: "alice", command: "/bin/true", pid: 12}},
		{"cron failure", fields{pid: 11, ident: "CRON", message: "(CRON) error (grandchild #12 failed with exit status 2)"}, true, event{kind: cronFailed, pid: 12, result: "exit status 2"}},
		{"cron info", fields{pid: 11, ident: "CRON", message: "(CRON) info (No MTA installed, discarding output)"}, false, event{}},
		{"cron end", fields{pid: 11, ident: "CRON", message: "(root) END (/bin/true)"}, false, event{}},
		{"other ident", fields{pid: 11, ident: "sshd", message: "(root) CMD (x)"}, false, event{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := classify(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("classify(%+v) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFailedUnits(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 8, 30, h, 0, 0, 0, time.UTC) }
	f := func(h int, boot, unit, result string) event {
		return event{at: at(h), boot: boot, kind: unitFailed, unit: unit, result: result}
	}
	ok := func(h int, boot, unit string) event { return event{at: at(h), boot: boot, kind: unitOK, unit: unit} }
	tests := []struct {
		name string
		evs  []event
		boot string
		want string
	}{
		{"none", nil, "b1", "[]"},
		{"failed", []event{f(1, "b1", "a.service", "exit-code")}, "b1", `[{"unit":"a.service","type":"service","since":"2026-08-30T01:00:00Z","result":"exit-code"}]`},
		{"run across boots, latest result", []event{f(1, "b0", "a.service", "exit-code"), f(5, "b1", "a.service", "timeout")}, "b1", `[{"unit":"a.service","type":"service","since":"2026-08-30T01:00:00Z","result":"timeout"}]`},
		{"failed then ok", []event{f(1, "b1", "a.service", "exit-code"), ok(2, "b1", "a.service")}, "b1", "[]"},
		{"ok then failed", []event{ok(1, "b1", "a.service"), f(2, "b1", "a.service", "signal")}, "b1", `[{"unit":"a.service","type":"service","since":"2026-08-30T02:00:00Z","result":"signal"}]`},
		{"failed in an earlier boot only", []event{f(1, "b0", "a.service", "exit-code")}, "b1", "[]"},
		{"no result recorded", []event{{at: at(1), boot: "b1", kind: unitFailed, unit: "a.timer"}}, "b1", `[{"unit":"a.timer","type":"timer","since":"2026-08-30T01:00:00Z","result":"unknown"}]`},
		{"text: before the boot mark", []event{f(1, "", "a.service", "x"), {at: at(2), kind: bootMark}}, "", "[]"},
		{"text: after the boot mark", []event{{at: at(0), kind: bootMark}, f(1, "", "a.service", "x")}, "", `[{"unit":"a.service","type":"service","since":"2026-08-30T01:00:00Z","result":"x"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(failedUnits(tt.evs, tt.boot)); got != tt.want {
				t.Errorf("failedUnits(%s) = %s, want %s", tt.name, got, tt.want)
			}
		})
	}
}

func TestParseCrontab(t *testing.T) {
	tests := []struct {
		name, user, in string
		want           []cronJob
	}{
		{"system", "", "SHELL=/bin/sh\n# c\n\n0 3 * * *\treports\t/usr/bin/x --y  z\n", []cronJob{{file: "f", line: 4, user: "reports", command: "/usr/bin/x --y  z"}}},
		{"system nickname", "", "@daily root /bin/backup\n", []cronJob{{file: "f", line: 1, user: "root", command: "/bin/backup"}}},
		{"user", "alice", "30 7 * * 1-5 /home/alice/bin/sync >/dev/null 2>&1\n", []cronJob{{file: "f", line: 1, user: "alice", command: "/home/alice/bin/sync >/dev/null 2>&1"}}},
		{"user nickname", "alice", "@reboot /bin/true\n", []cronJob{{file: "f", line: 1, user: "alice", command: "/bin/true"}}},
		{"too short", "", "0 3 * * * root\n0 3 * *\n", nil},
		{"environment with spaces", "", "MAILTO = admin\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseCrontab("f", tt.user, []byte(tt.in))
			if !slices.Equal(got, tt.want) {
				t.Errorf("parseCrontab(%q, %q) = %+v, want %+v", tt.user, tt.in, got, tt.want)
			}
		})
	}
}

func TestCronLogsFailures(t *testing.T) {
	tests := []struct {
		conf string
		want bool
	}{
		{`EXTRA_OPTS="-L 15"`, true},
		{`EXTRA_OPTS='-L4'`, true},
		{`EXTRA_OPTS="-L 5 -n"`, true},
		{`EXTRA_OPTS=""`, false},
		{`EXTRA_OPTS="-L 3"`, false},
		{`#EXTRA_OPTS="-L 15"`, false},
		{`EXTRA_OPTS="-L"`, false},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "etc", "default"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "etc", "default", "cron"), []byte(tt.conf+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := hostroot.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := cronLogsFailures(r); got != tt.want {
			t.Errorf("cronLogsFailures(%s) = %v, want %v", tt.conf, got, tt.want)
		}
		r.Close()
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		in       string
		lookback int
		maxBytes int64
		extra    []string
		nwarn    int
	}{
		{``, 14, 1024 << 20, nil, 0},
		{`{}`, 14, 1024 << 20, nil, 0},
		{`{"lookback_days":30,"journal_max_mb":16,"extra_logs":["/var/log/jobs.log"]}`, 30, 16 << 20, []string{"/var/log/jobs.log"}, 0},
		{`{"lookback_days":1000}`, 14, 1024 << 20, nil, 1},
		{`{"journal_max_mb":0}`, 14, 1024 << 20, nil, 1},
		{`{"extra_logs":["x","/a/./b","/ok"]}`, 14, 1024 << 20, []string{"/ok"}, 2},
		{`{"extra_logs":` + strings.Repeat(`["/a"`, 1) + strings.Repeat(`,"/a"`, 40) + `]}`, 14, 1024 << 20, slices.Repeat([]string{"/a"}, 32), 1},
		{`[]`, 14, 1024 << 20, nil, 1},
		{`{"unknown":1}`, 14, 1024 << 20, nil, 1},
	}
	for _, tt := range tests {
		o, warns := parseOptions(json.RawMessage(tt.in))
		if o.LookbackDays != tt.lookback || o.JournalMaxBytes != tt.maxBytes || !slices.Equal(o.ExtraLogs, tt.extra) || len(warns) != tt.nwarn {
			t.Errorf("parseOptions(%s) = %+v, warnings %q; want lookback %d, max bytes %d, extra %q, %d warnings", tt.in, o, warns, tt.lookback, tt.maxBytes, tt.extra, tt.nwarn)
		}
	}
}

// FuzzParseCrontab checks that no crontab makes the parser panic and
// that every job it returns has a user and a command.
func FuzzParseCrontab(f *testing.F) {
	f.Add("", "0 3 * * *\treports\t/usr/bin/x\n@daily root y\nA=b\n")
	f.Add("alice", "30 7 * * * /bin/true\n@reboot z\n")
	f.Fuzz(func(t *testing.T, user, in string) {
		for _, j := range parseCrontab("f", user, []byte(in)) {
			if j.user == "" || j.command == "" || j.line < 1 {
				t.Fatalf("parseCrontab(%q, %q) job %+v", user, in, j)
			}
		}
	})
}

func TestIsSystemd(t *testing.T) {
	tests := []struct {
		name  string
		setup func(dir string) error
		live  bool
		want  bool
	}{
		{"nothing", func(string) error { return nil }, false, false},
		{"run/systemd/system", func(d string) error { return os.MkdirAll(filepath.Join(d, "run", "systemd", "system"), 0o755) }, false, true},
		{"run/systemd/system, live", func(d string) error { return os.MkdirAll(filepath.Join(d, "run", "systemd", "system"), 0o755) }, true, true},
		{"init is systemd", initLink("../lib/systemd/systemd"), false, true},
		{"init is systemd, live without /run/systemd/system", initLink("../lib/systemd/systemd"), true, false},
		{"init is sysvinit", initLink("../lib/sysvinit/init"), false, false},
		{"dangling init link", func(d string) error {
			if err := os.MkdirAll(filepath.Join(d, "sbin"), 0o755); err != nil {
				return err
			}
			return os.Symlink("../lib/systemd/systemd", filepath.Join(d, "sbin", "init"))
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			r, err := hostroot.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := isSystemd(r, tt.live); got != tt.want {
				t.Errorf("isSystemd(%s, live %v) = %v, want %v", tt.name, tt.live, got, tt.want)
			}
		})
	}
}

// initLink makes /sbin/init a link to target, which it creates.
func initLink(target string) func(string) error {
	return func(d string) error {
		real := filepath.Join(d, "sbin", filepath.FromSlash(target))
		for _, p := range []string{filepath.Join(d, "sbin"), filepath.Dir(real)} {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		}
		if err := os.WriteFile(real, nil, 0o755); err != nil {
			return err
		}
		return os.Symlink(target, filepath.Join(d, "sbin", "init"))
	}
}
