package unitlog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/journal/journaltest"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		in   Line
		ok   bool
		want Event
	}{
		{"failure result", Line{PID: 1, Ident: "systemd", MessageID: MsgUnitFailureResult, Unit: "a.service", UnitResult: "signal"}, true, Event{Kind: Failed, Unit: "a.service", Result: "signal"}},
		{"failed to start", Line{PID: 1, MessageID: MsgUnitFailed, Unit: "a.timer", JobResult: "failed"}, true, Event{Kind: Failed, Unit: "a.timer"}},
		{"dependency failed", Line{PID: 1, MessageID: MsgUnitFailed, Unit: "a.service", JobResult: "dependency"}, false, Event{}},
		{"deactivated", Line{PID: 1, MessageID: MsgUnitSuccess, Unit: "a.service"}, true, Event{Kind: Deactivated, Unit: "a.service"}},
		{"started", Line{PID: 1, MessageID: MsgUnitStarted, Unit: "a.service", JobResult: "done", Message: "Started a.service - A."}, true, Event{Kind: Started, Unit: "a.service"}},
		{"finished", Line{PID: 1, MessageID: MsgUnitStarted, Unit: "a.service", JobResult: "done", Message: "Finished a.service - A."}, true, Event{Kind: Finished, Unit: "a.service"}},
		{"start job skipped", Line{PID: 1, MessageID: MsgUnitStarted, Unit: "a.service", JobResult: "skipped"}, false, Event{}},
		{"not a unit", Line{PID: 1, MessageID: MsgUnitFailureResult, Unit: "a.bogus"}, false, Event{}},
		{"other message id", Line{PID: 1, MessageID: "0123456789abcdef0123456789abcdef", Message: "a.service: Failed with result 'x'."}, false, Event{}},
		{"not pid 1", Line{PID: 77, Ident: "systemd", Message: "a.service: Failed with result 'exit-code'."}, false, Event{}},
		{"pid 1 but another ident", Line{PID: 1, Ident: "CRON", Message: "a.service: Succeeded."}, false, Event{}},
		{"text failure", Line{PID: 1, Ident: "systemd", Message: "db-backup.service: Failed with result 'exit-code'."}, true, Event{Kind: Failed, Unit: "db-backup.service", Result: "exit-code"}},
		{"text succeeded", Line{PID: 1, Ident: "systemd", Message: "a.service: Succeeded."}, true, Event{Kind: Deactivated, Unit: "a.service"}},
		{"text deactivated", Line{PID: 1, Ident: "systemd", Message: "a.socket: Deactivated successfully."}, true, Event{Kind: Deactivated, Unit: "a.socket"}},
		{"text finished", Line{PID: 1, Ident: "systemd", Message: "Finished logrotate.service - Rotate log files."}, true, Event{Kind: Finished, Unit: "logrotate.service"}},
		{"text started", Line{PID: 1, Ident: "systemd", Message: "Started ssh.service - OpenBSD Secure Shell server."}, true, Event{Kind: Started, Unit: "ssh.service"}},
		{"text started without unit name", Line{PID: 1, Ident: "systemd", Message: "Started Rotate log files."}, false, Event{}},
		{"boot", Line{PID: 1, Ident: "systemd", Message: "systemd 252.39-1~deb12u1 running in system mode (+PAM)"}, true, Event{Kind: Boot}},
		{"keeps time, boot and log", Line{At: testNow, Boot: "b1", Log: "/l", PID: 1, MessageID: MsgUnitSuccess, Unit: "a.service"}, true, Event{At: testNow, Boot: "b1", Log: "/l", Kind: Deactivated, Unit: "a.service"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Classify(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("Classify(%+v) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestOutcome(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 8, d, 1, 30, 0, 0, time.UTC) }
	ev := func(d int, k Kind, unit, result string) Event {
		return Event{At: at(d), Kind: k, Unit: unit, Result: result}
	}
	tests := []struct {
		name                  string
		evs                   []Event
		oneshot               bool
		success, failure, res string // RFC 3339, "" for nil
	}{
		{"nothing", nil, true, "", "", ""},
		{"other unit only", []Event{ev(20, Deactivated, "b.service", "")}, true, "", "", ""},
		{"oneshot finished", []Event{ev(20, Finished, "a.service", "")}, true, "2026-08-20T01:30:00Z", "", ""},
		{"oneshot started (old systemd)", []Event{ev(20, Started, "a.service", "")}, true, "2026-08-20T01:30:00Z", "", ""},
		{"simple service started is no success", []Event{ev(20, Started, "a.service", "")}, false, "", "", ""},
		{"simple service deactivated", []Event{ev(20, Started, "a.service", ""), ev(21, Deactivated, "a.service", "")}, false, "2026-08-21T01:30:00Z", "", ""},
		{"failed after success", []Event{ev(20, Finished, "a.service", ""), ev(30, Failed, "a.service", "exit-code"), ev(30, Failed, "a.service", "")}, true, "2026-08-20T01:30:00Z", "2026-08-30T01:30:00Z", "exit-code"},
		{"latest failure's result", []Event{ev(20, Failed, "a.service", "exit-code"), ev(21, Failed, "a.service", "timeout")}, true, "", "2026-08-21T01:30:00Z", "timeout"},
		{"no result since the last success", []Event{ev(20, Failed, "a.service", "exit-code"), ev(21, Deactivated, "a.service", ""), ev(22, Failed, "a.service", "")}, true, "2026-08-21T01:30:00Z", "2026-08-22T01:30:00Z", ""},
	}
	str := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.Format(time.RFC3339)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := (&Log{Events: tt.evs}).Outcome("a.service", tt.oneshot)
			if str(o.LastSuccess) != tt.success || str(o.LastFailure) != tt.failure || o.Result != tt.res {
				t.Errorf("Outcome = success %q, failure %q, result %q; want %q, %q, %q", str(o.LastSuccess), str(o.LastFailure), o.Result, tt.success, tt.failure, tt.res)
			}
		})
	}
}

const (
	machine = "3d1219c7c4c5404aaa1f6d2a48adfda4"
	boot    = "c0ffee00d15ea5e0b0a7b00710ad1234"
)

// journalEntries are a backup oneshot's success and failure, a cron line
// and a kernel line, logged from PID 1 as systemd does.
func journalEntries() []journaltest.Entry {
	pid1 := []string{"_PID=1", "_COMM=systemd", "SYSLOG_IDENTIFIER=systemd", "_BOOT_ID=" + boot}
	e := func(at time.Time, f ...string) journaltest.Entry {
		return journaltest.Entry{Realtime: at, Monotonic: uint64(at.Unix()), BootID: boot, Fields: f}
	}
	d := func(day, h int) time.Time { return time.Date(2026, 8, day, h, 0, 0, 0, time.UTC) }
	return []journaltest.Entry{
		e(d(10, 1), append([]string{"MESSAGE_ID=" + MsgUnitSuccess, "UNIT=old.service", "MESSAGE=old.service: Deactivated successfully."}, pid1...)...),
		e(d(25, 1), append([]string{"MESSAGE_ID=" + MsgUnitSuccess, "UNIT=db-backup.service", "MESSAGE=db-backup.service: Deactivated successfully."}, pid1...)...),
		e(d(25, 1), append([]string{"MESSAGE_ID=" + MsgUnitStarted, "UNIT=db-backup.service", "JOB_RESULT=done", "MESSAGE=Finished db-backup.service - Backup."}, pid1...)...),
		e(d(26, 1), "_PID=4001", "_COMM=cron", "SYSLOG_IDENTIFIER=CRON", "MESSAGE=(root) CMD (x)"),
		e(d(31, 1), append([]string{"MESSAGE_ID=" + MsgUnitFailureResult, "UNIT=db-backup.service", "UNIT_RESULT=exit-code", "MESSAGE=db-backup.service: Failed with result 'exit-code'."}, pid1...)...),
		e(d(31, 1), append([]string{"MESSAGE_ID=" + MsgUnitFailed, "UNIT=db-backup.service", "JOB_RESULT=failed", "MESSAGE=Failed to start db-backup.service - Backup."}, pid1...)...),
		e(d(31, 2), append([]string{"MESSAGE_ID=" + MsgUnitSuccess, "UNIT=fwupd.service", "MESSAGE=fwupd.service: Deactivated successfully."}, pid1...)...),
		e(d(31, 3), "SYSLOG_IDENTIFIER=kernel", "MESSAGE=hello"),
	}
}

const syslog = `Aug 20 01:00:00 h systemd[1]: db-backup.service: Succeeded.
Aug 20 01:00:00 h systemd[1]: Finished db-backup.service - Backup.
Aug 30 01:00:05 h systemd[1]: db-backup.service: Failed with result 'timeout'.
Aug 30 01:00:05 h CRON[4001]: (root) CMD (x)
Aug 30 02:00:00 h systemd[1]: fwupd.service: Deactivated successfully.
`

// writeHost writes a host root of the given files (host path → content)
// under a temporary directory, every file dated testNow.
func writeHost(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(full, testNow, testNow); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRead(t *testing.T) {
	jdir := "/var/log/journal/" + machine + "/"
	full := journaltest.Build(journaltest.Options{Compact: true, Compress: "zstd", State: 1}, journalEntries())
	old := journaltest.Build(journaltest.Options{}, journalEntries()[:1])
	backups := func(u string) bool { return strings.Contains(u, "backup") }
	since := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		files   map[string][]byte
		units   func(string) bool
		journal bool
		sources []string
		events  []string // "<day>T<hour> <kind> <unit> <result>"
		warn    string   // a warning containing it; "" for none
		success string   // db-backup.service's outcome, RFC 3339 or ""
		failure string
		result  string
	}{
		{"journal", map[string][]byte{jdir + "system.journal": full, jdir + "user-1000.journal": full, "/var/log/syslog": []byte(syslog)}, nil, true,
			[]string{"/var/log/journal"},
			[]string{"25T01 2 db-backup.service ", "25T01 4 db-backup.service ", "31T01 1 db-backup.service exit-code", "31T01 1 db-backup.service ", "31T02 2 fwupd.service "},
			"", "2026-08-25T01:00:00Z", "2026-08-31T01:00:00Z", "exit-code"},
		{"journal, units filtered", map[string][]byte{jdir + "system.journal": full}, backups, true,
			[]string{"/var/log/journal"},
			[]string{"25T01 2 db-backup.service ", "25T01 4 db-backup.service ", "31T01 1 db-backup.service exit-code", "31T01 1 db-backup.service "},
			"", "2026-08-25T01:00:00Z", "2026-08-31T01:00:00Z", "exit-code"},
		{"volatile journal", map[string][]byte{"/run/log/journal/" + machine + "/system.journal": full}, backups, true,
			[]string{"/run/log/journal"},
			[]string{"25T01 2 db-backup.service ", "25T01 4 db-backup.service ", "31T01 1 db-backup.service exit-code", "31T01 1 db-backup.service "},
			"", "2026-08-25T01:00:00Z", "2026-08-31T01:00:00Z", "exit-code"},
		{"text logs only", map[string][]byte{"/var/log/syslog": []byte(syslog)}, backups, false,
			[]string{"/var/log/syslog"},
			[]string{"20T01 2 db-backup.service ", "20T01 4 db-backup.service ", "30T01 1 db-backup.service timeout"},
			"", "2026-08-20T01:00:00Z", "2026-08-30T01:00:05Z", "timeout"},
		{"journal older than the window", map[string][]byte{jdir + "system.journal": old, "/var/log/syslog": []byte(syslog)}, backups, false,
			[]string{"/var/log/syslog"},
			[]string{"20T01 2 db-backup.service ", "20T01 4 db-backup.service ", "30T01 1 db-backup.service timeout"},
			"holds no entries since 2026-08-15", "2026-08-20T01:00:00Z", "2026-08-30T01:00:05Z", "timeout"},
		{"not a journal", map[string][]byte{jdir + "system.journal": []byte(strings.Repeat("J", 4096))}, nil, false,
			nil, nil, "not a journal file", "", "", ""},
		{"nothing", map[string][]byte{"/etc/hostname": []byte("h\n")}, nil, false, nil, nil, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := hostroot.Open(writeHost(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			l, warns, err := Read(t.Context(), r, Options{Since: since, Units: tt.units, Location: time.UTC})
			if err != nil {
				t.Fatalf("Read error: %v", err)
			}
			var evs []string
			for _, e := range l.Events {
				evs = append(evs, e.At.Format("02T15")+" "+string(rune('0'+e.Kind))+" "+e.Unit+" "+e.Result)
			}
			if !slices.Equal(evs, tt.events) || l.Journal != tt.journal || !slices.Equal(l.Sources, tt.sources) {
				t.Errorf("Read = events %q, journal %v, sources %q; want %q, %v, %q", evs, l.Journal, l.Sources, tt.events, tt.journal, tt.sources)
			}
			all := strings.Join(warns, "\n")
			if (tt.warn == "") != (len(warns) == 0) || !strings.Contains(all, tt.warn) {
				t.Errorf("Read warnings = %q, want one containing %q", warns, tt.warn)
			}
			o := l.Outcome("db-backup.service", true)
			str := func(p *time.Time) string {
				if p == nil {
					return ""
				}
				return p.Format(time.RFC3339)
			}
			if str(o.LastSuccess) != tt.success || str(o.LastFailure) != tt.failure || o.Result != tt.result {
				t.Errorf("Outcome(db-backup.service) = %q, %q, %q; want %q, %q, %q", str(o.LastSuccess), str(o.LastFailure), o.Result, tt.success, tt.failure, tt.result)
			}
		})
	}
}

func TestReadCancelled(t *testing.T) {
	full := journaltest.Build(journaltest.Options{}, journalEntries())
	r, err := hostroot.Open(writeHost(t, map[string][]byte{"/var/log/journal/" + machine + "/system.journal": full}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := Read(ctx, r, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestCurrentBoot(t *testing.T) {
	tests := []struct {
		name, content, want string
		ok                  bool
	}{
		{"uuid", "C0FFEE00-d15e-a5e0-b0a7-b00710ad1234\n", boot, true},
		{"short", "c0ffee\n", "", false},
		{"not hex", strings.Repeat("z", 32), "", false},
		{"missing", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string][]byte{"/etc/hostname": []byte("h\n")}
			if tt.content != "" {
				files["/proc/sys/kernel/random/boot_id"] = []byte(tt.content)
			}
			r, err := hostroot.Open(writeHost(t, files))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got, ok := CurrentBoot(r); got != tt.want || ok != tt.ok {
				t.Errorf("CurrentBoot = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
