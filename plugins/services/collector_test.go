package services

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// testNow is when the tests collect (testdata/build.sh writes around it).
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// mtimes are the modification times of fixture files that need one
// other than testNow (git keeps none): a rotated log was last written
// when it was rotated.
var mtimes = map[string]time.Time{
	"var/log/syslog.1": time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC),
}

// hostCopy copies the fixture host into a temporary directory, unpacking
// the gzipped journal files and setting modification times.
func hostCopy(t testing.TB, name string) string {
	t.Helper()
	dst := fixture.Copy(t, filepath.Join("testdata", "hosts", name), testNow)
	fixture.Gunzip(t, dst)
	for rel, mt := range mtimes {
		if _, err := os.Stat(filepath.Join(dst, rel)); err == nil {
			fixture.Touch(t, dst, map[string]time.Time{rel: mt})
		}
	}
	return dst
}

// testCollector is the collector with its clock at testNow.
func testCollector() *Collector { return &Collector{now: func() time.Time { return testNow }} }

// mustFacts collects from the fixture host and checks the facts against
// the schema.
func mustFacts(t testing.TB, host, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, testCollector(), hostCopy(t, host), options)
}

func TestCollectGolden(t *testing.T) {
	tests := []struct {
		name, host, options string
	}{
		{"failing", "failing", `{}`},
		{"failing-short-lookback", "failing", `{"lookback_days":2}`},
		{"recent", "recent", `{}`},
		{"recovered", "recovered", `{}`},
		{"cron-text", "cron-text", `{}`},
		{"syslog-systemd", "syslog-systemd", `{}`},
		{"corrupt", "corrupt", `{}`},
		{"garbage", "garbage", `{}`},
		{"extra-logs", "recovered", `{"extra_logs":["/var/log/app-cron.log"]}`},
		{"bad-options", "recovered", `{"lookback_days":0,"journal_max_mb":-1,"extra_logs":["relative.log","/var/../x"]}`},
		{"undecodable-options", "recovered", `{"lookback":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, tt.host, tt.options)
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestCollectExpectations states the main fixtures' facts outright, so
// that a wrong golden file cannot hide a wrong fact.
func TestCollectExpectations(t *testing.T) {
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	reports := CronFailure{
		Job: "/etc/cron.d/reports:4", User: "reports", Command: "/usr/local/bin/rotate-reports --keep 30",
		FailingSince: ts("2026-08-30T03:00:09Z"), LastFailure: ts("2026-09-01T03:00:09Z"), Failures: 3,
		Log: "/var/log/journal/3d1219c7c4c5404aaa1f6d2a48adfda4/system.journal",
	}
	tests := []struct {
		host  string
		want  Facts
		warns int
	}{
		{"failing", Facts{
			Systemd: true,
			// Failing since the night before the reboot; old-thing failed
			// only in the previous boot; fwupd-refresh recovered; the
			// user journal is not read.
			FailedUnits: []FailedUnit{{Unit: "backup-db.service", Type: "service", Since: ts("2026-08-28T02:00:04Z"), Result: "timeout"}},
			FailedCron:  []CronFailure{reports},
			Sources:     []string{"/var/log/journal"},
		}, 0},
		{"recent", Facts{
			Systemd:     true,
			FailedUnits: []FailedUnit{{Unit: "fwupd-refresh.service", Type: "service", Since: ts("2026-09-01T10:00:00Z"), Result: "exit-code"}},
			FailedCron:  []CronFailure{},
			Sources:     []string{"/run/log/journal"},
		}, 0},
		{"recovered", Facts{Systemd: true, FailedUnits: []FailedUnit{}, FailedCron: []CronFailure{}, Sources: []string{"/var/log/journal"}}, 0},
		{"cron-text", Facts{
			FailedUnits: []FailedUnit{},
			FailedCron: []CronFailure{
				// Europe/London summer time: 04:00 local is 03:00 UTC.
				{Job: "/etc/cron.d/reports:4", User: "reports", Command: "/usr/local/bin/rotate-reports --keep 30",
					FailingSince: ts("2026-08-29T03:00:09Z"), LastFailure: ts("2026-09-01T03:00:09Z"), Failures: 4, Log: "/var/log/syslog"},
				{Job: "cron:(unknown command)", FailingSince: ts("2026-09-01T05:00:02Z"), LastFailure: ts("2026-09-01T05:00:02Z"), Failures: 1, Log: "/var/log/syslog"},
				{Job: "cron:/opt/legacy/sync.sh", User: "root", Command: "/opt/legacy/sync.sh",
					FailingSince: ts("2026-08-31T04:00:03Z"), LastFailure: ts("2026-08-31T04:00:03Z"), Failures: 1, Log: "/var/log/syslog"},
			},
			Sources: []string{"/var/log/syslog.1", "/var/log/syslog"},
		}, 0},
		// Units from the text log (the failure before the last boot is
		// not current); cronie does not log failures: unknown.
		{"syslog-systemd", Facts{Systemd: true, FailedUnits: []FailedUnit{}, Sources: []string{"/var/log/messages"}}, 2},
		// The journal is not a journal: units unknown.
		{"garbage", Facts{Systemd: true, FailedCron: []CronFailure{}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			f, warns := mustFacts(t, tt.host, `{}`)
			if show(f) != show(tt.want) {
				t.Errorf("Collect(%s) =\n%s\nwant\n%s", tt.host, show(f), show(tt.want))
			}
			if len(warns) != tt.warns {
				t.Errorf("Collect(%s) warnings = %q, want %d", tt.host, warns, tt.warns)
			}
		})
	}
}

// TestCollectCorrupt checks that a journal cut short still gives what it
// holds, with warnings for it and for the file that is no journal.
func TestCollectCorrupt(t *testing.T) {
	f, warns := mustFacts(t, "corrupt", `{}`)
	if len(f.FailedUnits) != 1 || f.FailedUnits[0].Unit != "backup-db.service" {
		t.Errorf("Collect(corrupt) units = %s, want backup-db.service from the part that is readable", show(f.FailedUnits))
	}
	all := strings.Join(warns, "\n")
	for _, w := range []string{"past the end of the file", "not a journal file"} {
		if !strings.Contains(all, w) {
			t.Errorf("Collect(corrupt) warnings =\n%s\nwant one containing %q", all, w)
		}
	}
}

func TestCollectNotApplicable(t *testing.T) {
	resp, err := collectortest.Run(t, testCollector(), hostCopy(t, "none"), `{}`)
	if !errors.Is(err, sdk.ErrNotApplicable) {
		t.Errorf("Collect(none) = %+v, %v; want an sdk.ErrNotApplicable error", resp, err)
	}
}

func TestCollectErrors(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
		t.Error("Collect without a host root: no error")
	}
	r, err := hostroot.Open(hostCopy(t, "failing"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New().Collect(ctx, sdk.Request{Root: r, Options: json.RawMessage(`{}`)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Collect with a cancelled context = %v, want context.Canceled", err)
	}
}

// TestCollectLiveClock runs New's collector, on the real clock: the
// fixtures are then older than the lookback window, and the failed units
// are unknown rather than none.
func TestCollectLiveClock(t *testing.T) {
	r, err := hostroot.Open(hostCopy(t, "recent"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	resp, err := New().Collect(context.Background(), sdk.Request{Root: r, Options: json.RawMessage(`{"lookback_days":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	f := resp.Facts.(Facts)
	if !f.Systemd || f.FailedUnits != nil || len(resp.Warnings) != 2 || !strings.Contains(resp.Warnings[0], "no entries of the last 1 days") {
		t.Errorf("Collect(recent, real clock, 1 day) = %s, warnings %q; want a systemd host whose failed units are unknown (null), and why", show(f), resp.Warnings)
	}
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "services" || i.Namespace != Namespace || i.SchemaVersion != SchemaVersion || !facts.ValidNamespace(i.Namespace) {
		t.Errorf("Info() = %+v", i)
	}
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
