package logging

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// goodOptions declares the good fixture's application log.
const goodOptions = `{"app_logs":[{"id":"case-db","path":"/var/log/casedb/audit.jsonl","format":"jsonl",
	"fields":{"operation":"op","time":"ts","user":"actor","justification":"reason","recipient":"to"},"max_lines":1000}]}`

// poorOptions declares the poor fixture's application log, one that is
// missing and one in a format not read yet.
const poorOptions = `{"app_logs":[{"id":"app","path":"/var/log/app/audit.jsonl"},
	{"id":"gone","path":"/var/log/gone.jsonl"},{"id":"hr","path":"/var/log/hr.csv","format":"csv"}]}`

// mustFacts runs the collector and checks its output against the schema.
func mustFacts(t *testing.T, root, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, New(), filepath.Join("testdata", "roots", root), options)
}

func TestCollectGolden(t *testing.T) {
	tests := []struct {
		name, root, options string
		wantWarn            []string // substrings each of which some warning has
		noWarn              bool
	}{
		{name: "good", root: "good", options: goodOptions, noWarn: true},
		{name: "poor", root: "poor", options: poorOptions, wantWarn: []string{
			"SystemMaxUse", "rsyslog forwards to 1 targets but rsyslog.service is not enabled",
			`app log "app": 1 lines are not JSON objects`, `app log "app": 1 entries have an operation not mapped`,
			`app log "gone"`, `app log "hr": format "csv" is not supported`,
		}},
		{name: "offline", root: "offline", options: "{}", wantWarn: []string{
			"auditd: whether it is running is unknown", "systemd-journald: whether it is running is unknown",
		}},
		{name: "bad-options", root: "offline", options: `{"app_logs":[{"id":"x","path":"rel/path"},{"id":"y","path":"/a","operations":{"get":"reading"}}],"extra":1}`, wantWarn: []string{
			"no application logs checked",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, tt.root, tt.options)
			all := strings.Join(warns, "\n")
			if tt.noWarn && len(warns) > 0 {
				t.Errorf("warnings = %q, want none", warns)
			}
			for _, w := range tt.wantWarn {
				if !strings.Contains(all, w) {
					t.Errorf("warnings = %q, want one containing %q", warns, w)
				}
			}
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), f)
		})
	}
}

func TestCollectFacts(t *testing.T) {
	good, _ := mustFacts(t, "good", goodOptions)
	if !isTrue(good.Auditd.Running) || !good.Auditd.WriteLogs || good.Auditd.Rules != 3 || good.Auditd.NumLogs != 20 || good.Auditd.MaxLogFileAction != "rotate" {
		t.Errorf("good auditd = %+v, want running, writing, 3 rules, 20 logs, rotate", good.Auditd)
	}
	if good.Auditd.OldestEntry == nil || good.Auditd.OldestEntry.Format("2006-01-02") != "2026-04-02" {
		t.Errorf("good auditd oldest = %v, want 2026-04-02 (audit.log.2)", good.Auditd.OldestEntry)
	}
	if j := good.Journald; !j.Persistent || j.SystemMaxUseBytes != 4<<30 || j.MaxRetentionSec != 31557600 || j.OldestEntry == nil {
		t.Errorf("good journald = %+v, want persistent, 4G (drop-in), 1 year, oldest known", j)
	}
	if len(good.Forwarding) != 1 || good.Forwarding[0].Target != "tcp://logs.example.gov.uk:6514" || good.Forwarding[0].Line != 2 {
		t.Errorf("good forwarding = %+v, want tcp://logs.example.gov.uk:6514 at line 2", good.Forwarding)
	}
	if ts := good.TimeSync; ts.Daemon != "chronyd" || !isTrue(ts.Running) || ts.Synchronised != nil {
		t.Errorf("good time sync = %+v, want chronyd running, synchronised unknown", ts)
	}
	if l := good.AppLogs[0]; !l.Readable || l.Entries != 6 || len(l.Operations) != 6 || l.Operations["alteration"].MissingJustification != 1 {
		t.Errorf("good app log = %+v, want readable, 6 entries, all six operations", l)
	}

	poor, _ := mustFacts(t, "poor", poorOptions)
	if poor.Auditd.Installed || poor.Journald.Persistent || poor.Journald.Storage != "volatile" || poor.Journald.MaxRetentionSec != 14*86400 {
		t.Errorf("poor auditd/journald = %+v %+v, want no auditd, volatile journal kept 2 weeks", poor.Auditd, poor.Journald)
	}
	if len(poor.Forwarding) != 0 || poor.TimeSync.Daemon != "systemd-timesyncd" || poor.TimeSync.Running == nil || *poor.TimeSync.Running {
		t.Errorf("poor forwarding/time = %+v %+v, want none and timesyncd not running", poor.Forwarding, poor.TimeSync)
	}
	d := poor.AppLogs[0].Operations["disclosure"]
	if d.Entries != 1 || d.MissingUser != 1 || d.MissingJustification != 1 || d.MissingRecipient != 1 || d.MissingTime != 0 {
		t.Errorf("poor disclosure = %+v, want 1 entry lacking user, justification, recipient", d)
	}
	if poor.AppLogs[1].Readable || poor.AppLogs[2].Readable {
		t.Errorf("poor missing/csv logs readable = %v/%v, want false", poor.AppLogs[1].Readable, poor.AppLogs[2].Readable)
	}
}

func TestCollectNoRoot(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
		t.Error("Collect without a root: no error, want one")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := hostroot.Open(filepath.Join("testdata", "roots", "good"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := New().Collect(ctx, sdk.Request{Root: r, Options: json.RawMessage("{}")}); err == nil {
		t.Error("Collect with an ended context: no error, want one")
	}
}
