package backups

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
)

// fileTime is the modification time of every fixture file, unless a test
// sets another.
var fileTime = time.Date(2026, 8, 31, 2, 0, 0, 0, time.UTC)

// fullTimes are the times the "full" fixture host's state files carry.
var fullTimes = map[string]time.Time{
	"srv/borg/encrypted/integrity.5":                                  time.Date(2026, 8, 30, 1, 45, 0, 0, time.UTC),
	"srv/borg/encrypted/hints.5":                                      time.Date(2026, 8, 30, 1, 45, 1, 0, time.UTC),
	"srv/borg/plain/integrity.5":                                      time.Date(2026, 7, 1, 1, 45, 0, 0, time.UTC),
	"srv/borg/plain/hints.5":                                          time.Date(2026, 7, 1, 1, 45, 0, 0, time.UTC),
	"var/lib/systemd/timers/stamp-db-backup.timer":                    time.Date(2026, 8, 30, 1, 30, 0, 0, time.UTC),
	"var/lib/systemd/timers/stamp-other-backup.timer":                 time.Date(2026, 9, 1, 0, 45, 0, 0, time.UTC),
	"var/log/journal/b5a1e0c4d3f24a6b9c8d7e6f5a4b3c2d/system.journal": time.Date(2026, 9, 1, 0, 45, 7, 0, time.UTC),
	"mnt/nas/rsnapshot/daily.0":                                       time.Date(2026, 8, 29, 2, 5, 12, 0, time.UTC),
	"var/backups/dumps/.done":                                         time.Date(2026, 8, 31, 0, 20, 0, 0, time.UTC),
}

// debianStockTimes are the times of the "debian-stock" host's state
// files: dpkg-db-backup.timer last fired for the successful run its
// syslog records; the restic repository's newest snapshot is from the
// night before the evaluation.
var debianStockTimes = map[string]time.Time{
	"var/lib/systemd/timers/stamp-dpkg-db-backup.timer":                                     time.Date(2026, 8, 31, 0, 0, 4, 0, time.UTC),
	"srv/restic/snapshots/55d4afd3790261d669f506a680fa44fbd726e135a6022a11bfc43cebdfa886e5": time.Date(2026, 8, 30, 23, 10, 0, 0, time.UTC),
}

// host copies a fixture host, its journal unpacked, with its times set.
func host(t testing.TB, name string) string {
	t.Helper()
	dir := fixture.Copy(t, filepath.Join("testdata", "hosts", name), fileTime)
	fixture.Gunzip(t, dir)
	switch name {
	case "full":
		fixture.Touch(t, dir, fullTimes)
	case "debian-stock":
		fixture.Touch(t, dir, debianStockTimes)
	}
	return dir
}

// mustFacts runs the collector at policyNow on the host root dir and
// checks its output against the schema.
func mustFacts(t *testing.T, dir, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, &Collector{now: func() time.Time { return policyNow }}, dir, options)
}

const declaredJobs = `{"jobs":[
	{"tool":"borg","name":"casework","repository":"/srv/borg/encrypted"},
	{"tool":"borg","repository":"/srv/borg/plain"},
	{"tool":"borg","name":"auth","repository":"/srv/borg/authenticated","off_host":true,"encrypted":true},
	{"tool":"borg","name":"offsite","repository":"ssh://backup@vault.example.org:2222/./db-01","marker":"/var/backups/dumps/.done","immutable":true},
	{"tool":"borg","name":"nothing-there","repository":"/srv/borg/missing"},
	{"tool":"declared","name":"db-dump","repository":"/mnt/nas/dumps","marker":"/var/backups/dumps/.done"},
	{"tool":"declared","name":"never","marker":"/var/backups/never.done"},
	{"tool":"restic","name":"cloud","repository":"s3:https://ak:secret@s3.example.org/bucket"},
	{"tool":"tar","name":"x"},
	{"tool":"declared","name":"relative","marker":"var/x"}
]}`

func TestCollectGolden(t *testing.T) {
	tests := []struct {
		name, host, options string
	}{
		{"found", "full", `{}`},
		{"declared", "full", declaredJobs},
		{"no-systemd-other-records", "full", `{"no_systemd":true,"record_dir":"/srv","rsnapshot_config":"/etc/none.conf"}`},
		{"nothing", "none", `{}`},
		{"bad-options", "none", `{"jobs":"all"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, host(t, tt.host), tt.options)
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestRedactURL keeps credentials out of facts.
func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/srv/restic", "/srv/restic"},
		{"sftp:backup@vault:/srv/restic", "sftp:backup@vault:/srv/restic"},
		{"rest:https://user:s3cret@vault:8000/db", "rest:https://user@vault:8000/db"},
		{"s3:https://ak:sk@host/bucket?x=1", "s3:https://ak@host/bucket?x=1"},
		{"ssh://backup@vault.example.org:2222/./db-01", "ssh://backup@vault.example.org:2222/./db-01"},
		{"rest:https://:token@h/", "rest:https://@h/"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(RedactURL(tt.in), "s3cret") {
			t.Errorf("RedactURL(%q) keeps the password", tt.in)
		}
	}
}

func TestSegmentKeyType(t *testing.T) {
	seg := func(entries ...[]byte) []byte { return append([]byte(borgSegMagic), bytes.Join(entries, nil)...) }
	entry := func(tag byte, body []byte) []byte {
		n := uint32(9 + len(body))
		return append([]byte{0, 0, 0, 0, byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24), tag}, body...)
	}
	put := func(keyType byte) []byte { return entry(0, append(make([]byte, 32), keyType, 1, 2, 3)) }
	tests := []struct {
		name    string
		in      []byte
		want    byte
		wantErr string
	}{
		{"first put", seg(put(0x03)), 0x03, ""},
		{"after a commit", seg(entry(2, nil), put(0x02)), 0x02, ""},
		{"not a segment", []byte("BORG_XXX"), 0, "not a borg segment"},
		{"empty", seg(), 0, "no object"},
		{"tiny size", seg([]byte{0, 0, 0, 0, 3, 0, 0, 0, 0}), 0, "corrupt segment entry"},
		{"truncated put", seg(entry(0, make([]byte, 40))[:20]), 0, "truncated"},
		{"short put", seg(entry(0, make([]byte, 10))), 0, "corrupt segment entry"},
	}
	for _, tt := range tests {
		got, err := segmentKeyType(bytes.NewReader(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: segmentKeyType error = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: segmentKeyType = %#x, %v, want %#x", tt.name, got, err, tt.want)
		}
	}
}

func FuzzSegmentKeyType(f *testing.F) {
	f.Add([]byte(borgSegMagic + "\x00\x00\x00\x00\x2a\x00\x00\x00\x00" + strings.Repeat("\x00", 33)))
	f.Add([]byte(borgSegMagic + "\x00\x00\x00\x00\xff\xff\xff\xff\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = segmentKeyType(bytes.NewReader(b))
	})
}

func TestParseRsnapshotLog(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	log := "[2026-08-28T03:04:40] /usr/bin/rsnapshot daily: completed successfully\n" +
		"[28/Feb/2004:23:45:59] /usr/bin/rsnapshot -c /etc/other.conf weekly: completed, but with some errors\n" +
		"[2026-08-29T03:00:01] /usr/bin/rsnapshot daily: started\n" +
		"[2026-08-29T03:05:12] rsnapshot daily: completed, but with some warnings\n" +
		"garbage [2026-08-29T03:05:12] rsnapshot daily: completed successfully\n"
	got := parseRsnapshotLog([]byte(log), london)
	want := []rsnapshotRun{
		{time.Date(2026, 8, 28, 2, 4, 40, 0, time.UTC), "success"},
		{time.Date(2004, 2, 28, 23, 45, 59, 0, time.UTC), "failure"},
		{time.Date(2026, 8, 29, 2, 5, 12, 0, time.UTC), "success"},
	}
	if len(got) != len(want) {
		t.Fatalf("parseRsnapshotLog = %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].at.Equal(want[i].at) || got[i].result != want[i].result {
			t.Errorf("run %d = %v %s, want %v %s", i, got[i].at.UTC(), got[i].result, want[i].at, want[i].result)
		}
	}
}

func TestParseEnvFile(t *testing.T) {
	got, err := parseEnvFile([]byte("# creds\nexport AWS_ACCESS_KEY_ID=ak\nAWS_SECRET_ACCESS_KEY=\"s k\"\n\n"))
	if err != nil || strings.Join(got, ";") != "AWS_ACCESS_KEY_ID=ak;AWS_SECRET_ACCESS_KEY=s k" {
		t.Errorf("parseEnvFile = %q, %v", got, err)
	}
	_, err = parseEnvFile([]byte("A=1\nsecret-without-key\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), "secret") {
		t.Errorf("parseEnvFile error = %v, want one naming line 2 without its value", err)
	}
}

// TestDeployExample keeps the backups options in the example agent
// configuration valid.
func TestDeployExample(t *testing.T) {
	b, err := os.ReadFile("../../deploy/config/agent.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Collectors map[string]json.RawMessage `json:"collectors"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	o, warns := ParseOptions(cfg.Collectors["backups"])
	if len(warns) > 0 || len(o.Jobs) != 2 {
		t.Errorf("ParseOptions(example) = %d jobs, warnings %q", len(o.Jobs), warns)
	}
}

// TestSystemdOutcomes checks where the systemd jobs' outcomes come from:
// the journal, the syslog text logs without one, and the service a
// timer's Unit= names.
func TestSystemdOutcomes(t *testing.T) {
	writeFile := func(rel, content string, at time.Time) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, at, at); err != nil {
				t.Fatal(err)
			}
		}
	}
	noJournal := func(t *testing.T, dir string) {
		if err := os.RemoveAll(filepath.Join(dir, "var/log/journal")); err != nil {
			t.Fatal(err)
		}
	}
	// Europe/London (the fixture's /etc/localtime) is UTC+1 in summer.
	syslog := writeFile("var/log/syslog", "Aug 29 02:30:00 db-01 systemd[1]: Starting db-backup.service - Dump...\n"+
		"Aug 29 02:41:02 db-01 systemd[1]: db-backup.service: Succeeded.\n"+
		"Aug 30 01:45:07 db-01 systemd[1]: other-backup.service: Failed with result 'exit-code'.\n"+
		"Aug 31 04:05:10 db-01 systemd[1]: Started home-backup@alice.service - Back up alice's home.\n"+
		"Aug 31 02:00:00 db-01 backup[77]: db-backup.service: Failed with result 'exit-code'.\n", policyNow)
	tests := []struct {
		name  string
		edits []func(t *testing.T, dir string)
		want  map[string]string // job ID → "<last success> <last run> <result>"
		warn  string            // a warning containing it; "" for none
	}{
		{"journal", nil, map[string]string{
			"systemd:db-backup.timer":         "2026-08-30T01:42:17Z 2026-08-30T01:42:17Z success",
			"systemd:other-backup.timer":      "2026-08-22T00:58:31Z 2026-09-01T00:45:07Z failure",
			"systemd:home-backup@alice.timer": "2026-08-31T03:05:10Z 2026-08-31T03:05:10Z success",
		}, ""},
		{"syslog without a journal", []func(*testing.T, string){noJournal, syslog}, map[string]string{
			"systemd:db-backup.timer":    "2026-08-29T01:41:02Z 2026-08-30T01:30:00Z unknown",
			"systemd:other-backup.timer": "null 2026-09-01T00:45:00Z unknown",
			// A oneshot's start job is done when it has run (systemd
			// before 246 said "Started").
			"systemd:home-backup@alice.timer": "2026-08-31T03:05:10Z 2026-08-31T03:05:10Z success",
		}, ""},
		{"no log at all", []func(*testing.T, string){noJournal}, map[string]string{
			"systemd:db-backup.timer": "null 2026-08-30T01:30:00Z unknown",
		}, "no journal and no syslog text log"},
		{"timer naming another service", []func(*testing.T, string){writeFile("etc/systemd/system/db-backup.timer",
			"[Timer]\nOnCalendar=daily\nUnit=other-backup.service\n", fileTime)}, map[string]string{
			"systemd:db-backup.timer": "2026-08-22T00:58:31Z 2026-09-01T00:45:07Z failure",
		}, ""},
		{"simple service: started is no success", []func(*testing.T, string){noJournal, syslog, writeFile("etc/systemd/system/home-backup@.service",
			"[Service]\nType=simple\nExecStart=/bin/true\n", fileTime)}, map[string]string{
			"systemd:home-backup@alice.timer": "null null unknown",
		}, ""},
		{"simple service: deactivated is a success", []func(*testing.T, string){writeFile("etc/systemd/system/home-backup@.service",
			"[Service]\nType=simple\nExecStart=/bin/true\n", fileTime)}, map[string]string{
			"systemd:home-backup@alice.timer": "2026-08-31T03:05:10Z 2026-08-31T03:05:10Z success",
		}, ""},
	}
	show := func(p *time.Time) string {
		if p == nil {
			return "null"
		}
		return p.Format(time.RFC3339)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := host(t, "full")
			for _, e := range tt.edits {
				e(t, dir)
			}
			f, warns := mustFacts(t, dir, `{"rsnapshot_config":"/none","record_dir":"/none"}`)
			got := map[string]string{}
			for _, j := range f.Jobs {
				got[j.ID] = show(j.LastSuccess) + " " + show(j.LastRun) + " " + j.LastResult
			}
			for id, want := range tt.want {
				if got[id] != want {
					t.Errorf("%s = %q, want %q", id, got[id], want)
				}
			}
			all := strings.Join(warns, "\n")
			if tt.warn != "" && !strings.Contains(all, tt.warn) || tt.warn == "" && strings.Contains(all, "systemd jobs:") {
				t.Errorf("warnings %q, want one containing %q", warns, tt.warn)
			}
		})
	}
}

func TestTimerService(t *testing.T) {
	tests := []struct {
		name, timer, content, want string
	}{
		{"same name", "db-backup.timer", "[Timer]\nOnCalendar=daily\n", "db-backup.service"},
		{"dotted name", "db.backup.timer", "[Timer]\nOnCalendar=daily\n", "db.backup.service"},
		{"instance", "home-backup@alice.timer", "[Timer]\nOnCalendar=daily\n", "home-backup@alice.service"},
		{"Unit=", "db-backup.timer", "[Timer]\nUnit=dump.service\n", "dump.service"},
		{"last Unit= wins", "db-backup.timer", "[Timer]\nUnit=a.service\nUnit = b.service\n", "b.service"},
		{"Unit= of another section", "db-backup.timer", "[Unit]\nUnit=a.service\n[Timer]\nOnCalendar=daily\n", "db-backup.service"},
		{"commented out", "db-backup.timer", "[Timer]\n# Unit=a.service\n", "db-backup.service"},
		{"instance specifier", "home-backup@bob.timer", "[Timer]\nUnit=home-backup-run@%i.service\n", "home-backup-run@bob.service"},
		{"unresolved specifier", "db-backup.timer", "[Timer]\nUnit=x@%H.service\n", "db-backup.service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "t.timer"), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := hostroot.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := timerService(r, "/t.timer", tt.timer); got != tt.want {
				t.Errorf("timerService(%s) = %q, want %q", tt.timer, got, tt.want)
			}
		})
	}
}

func TestParseJournalOptions(t *testing.T) {
	tests := []struct {
		in              string
		lookback, maxMB int
		warns           int
	}{
		{`{}`, DefaultJournalLookbackDays, DefaultJournalMaxMB, 0},
		{`{"journal_lookback_days":60,"journal_max_mb":16}`, 60, 16, 0},
		{`{"journal_lookback_days":-1}`, DefaultJournalLookbackDays, DefaultJournalMaxMB, 1},
		{`{"journal_lookback_days":400,"journal_max_mb":100000}`, DefaultJournalLookbackDays, DefaultJournalMaxMB, 2},
	}
	for _, tt := range tests {
		o, warns := ParseOptions(json.RawMessage(tt.in))
		if o.JournalLookbackDays != tt.lookback || o.JournalMaxMB != tt.maxMB || len(warns) != tt.warns {
			t.Errorf("ParseOptions(%s) = lookback %d, max %d MB, warnings %q; want %d, %d, %d warnings", tt.in, o.JournalLookbackDays, o.JournalMaxMB, warns, tt.lookback, tt.maxMB, tt.warns)
		}
	}
}
