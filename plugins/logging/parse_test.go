package logging

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseTimeSpan(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"3600", 3600, false},
		{"90d", 90 * 86400, false},
		{"1month", 2629800, false},
		{"2w 3d", 17 * 86400, false},
		{"1y", 31557600, false},
		{"5min", 300, false},
		{"1h30m", 5400, false},
		{"", 0, true},
		{"ten days", 0, true},
		{"3 fortnights", 0, true},
	}
	for _, tt := range tests {
		got, err := parseTimeSpan(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseTimeSpan(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"1024", 1024, false},
		{"500M", 500 << 20, false},
		{"4G", 4 << 30, false},
		{"1.5K", 1536, false},
		{"oops", 0, true},
		{"", 0, true},
		{"-1G", 0, true},
		{"99999999E", 0, true},
	}
	for _, tt := range tests {
		got, err := parseBytes(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseBytes(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseJournaldConf(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     journaldConf
		problems int
	}{
		{"empty", "", journaldConf{Storage: "auto"}, 0},
		{"all set", "[Journal]\nStorage=Persistent\nMaxRetentionSec=3month\nSystemMaxUse=2G\n", journaldConf{Storage: "persistent", MaxRetentionSec: 3 * 2629800, SystemMaxUse: 2 << 30}, 0},
		{"other section ignored", "[Upload]\nStorage=none\n[Journal]\n#Storage=none\n", journaldConf{Storage: "auto"}, 0},
		{"invalid kept default", "[Journal]\nStorage=disk\nSystemMaxUse=lots\nMaxRetentionSec=soon\n", journaldConf{Storage: "auto"}, 3},
		{"empty resets", "[Journal]\nMaxRetentionSec=1d\nMaxRetentionSec=\n", journaldConf{Storage: "auto"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := parseJournaldConf(journaldConf{Storage: "auto"}, []byte(tt.in))
			if got != tt.want || len(problems) != tt.problems {
				t.Errorf("parseJournaldConf(%q) = %+v, %q; want %+v, %d problems", tt.in, got, problems, tt.want, tt.problems)
			}
		})
	}
}

func TestJournalFileHead(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339, "" when none
	}{
		{"system.journal", ""},
		{"system@8a9c7f2e1d3b4a5c8a9c7f2e1d3b4a5c-0000000000000001-00064e1f0ad3c000.journal", "2026-03-29T00:44:52.866048Z"},
		{"system@00064e1f0ad3c000-1234567890abcdef.journal~", "2026-03-29T00:44:52.866048Z"},
		{"system@x-y-zz.journal", ""},
		{"system@a-b-0000000000000000.journal", ""},
		{"notes.txt", ""},
	}
	for _, tt := range tests {
		got, ok := journalFileHead(tt.in)
		s := ""
		if ok {
			s = got.Format(time.RFC3339Nano)
		}
		if s != tt.want {
			t.Errorf("journalFileHead(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

func TestParseAuditdConf(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     auditdConf
		problems int
	}{
		{"defaults", "# nothing\n", defaultAuditdConf, 0},
		{"set", "write_logs = no\nlog_file=/audit/a.log\nmax_log_file = 100\nnum_logs = 10\nmax_log_file_action = KEEP_LOGS\n",
			auditdConf{WriteLogs: false, LogFile: "/audit/a.log", MaxLogFileMB: 100, NumLogs: 10, MaxLogFileAction: "keep_logs"}, 0},
		{"invalid", "write_logs = maybe\nmax_log_file = big\nnum_logs = -2\n", defaultAuditdConf, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := parseAuditdConf([]byte(tt.in))
			if got != tt.want || len(problems) != tt.problems {
				t.Errorf("parseAuditdConf(%q) = %+v, %q; want %+v, %d problems", tt.in, got, problems, tt.want, tt.problems)
			}
		})
	}
}

func TestCountAuditRules(t *testing.T) {
	in := "-D\n-b 8192\n# -w /etc/x\n-w /etc/passwd -p wa\n-a always,exit -S open\n-A exit,always -S kill\n-aalways,exit -S x\n-e 2\n--backlog_wait_time 60000\n"
	if got := countAuditRules([]byte(in)); got != 4 {
		t.Errorf("countAuditRules(%q) = %d, want 4", in, got)
	}
}

func TestFirstAuditTime(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"type=DAEMON_START msg=audit(1775088007.120:1): op=start", "2026-04-02T00:00:07.12Z"},
		{"node=h type=SYSCALL msg=audit(1775088007.5:22): x\ntype=X msg=audit(1.0:1):", "2026-04-02T00:00:07.5Z"},
		{"garbage", ""},
		{"msg=audit(0.000:1)", ""},
	}
	for _, tt := range tests {
		got, ok := firstAuditTime([]byte(tt.in))
		s := ""
		if ok {
			s = got.Format(time.RFC3339Nano)
		}
		if s != tt.want {
			t.Errorf("firstAuditTime(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

func TestAuditLogIndex(t *testing.T) {
	tests := []struct {
		name string
		n    int
		ok   bool
	}{{"audit.log", 0, true}, {"audit.log.4", 4, true}, {"audit.log.x", 0, false}, {"audit.log.0", 0, false}, {"other.log", 0, false}}
	for _, tt := range tests {
		n, ok := auditLogIndex(tt.name, "audit.log")
		if n != tt.n || ok != tt.ok {
			t.Errorf("auditLogIndex(%q) = %d, %v; want %d, %v", tt.name, n, ok, tt.n, tt.ok)
		}
	}
}

func TestParseRsyslog(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []rsyslogTarget
	}{
		{"none", "*.* /var/log/messages\n# *.* @@old:514\n", nil},
		{"legacy udp", "*.* @loghost\n", []rsyslogTarget{{"udp://loghost", 1}}},
		{"legacy tcp with options and port", "\nauth.*  @@(o,z9)logs.example.gov.uk:6514\n", []rsyslogTarget{{"tcp://logs.example.gov.uk:6514", 2}}},
		{"ipv6", "*.* @@[2001:db8::1]:514\n", []rsyslogTarget{{"tcp://[2001:db8::1]:514", 1}}},
		{"relp", "*.* :omrelp:relp.example:2514\n", []rsyslogTarget{{"relp://relp.example:2514", 1}}},
		{"rainer one line", `*.* action(type="omfwd" target="10.0.0.5" port="514" protocol="tcp")` + "\n", []rsyslogTarget{{"tcp://10.0.0.5:514", 1}}},
		{"rainer multi line default udp", "# x\nif $msg contains 'a' then {\n  action(\n    type=\"omfwd\"\n    target=\"sink\")\n}\n", []rsyslogTarget{{"udp://sink", 3}}},
		{"rainer file action", `action(type="omfile" file="/var/log/x")` + "\n", nil},
		{"block comment", "/*\n*.* @@hidden:514\n*/\n*.* @@shown:514\n", []rsyslogTarget{{"tcp://shown:514", 4}}},
		{"rainer omrelp", `action(type="omrelp" target="r" port="2514")`, []rsyslogTarget{{"relp://r:2514", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRsyslog([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseRsyslog(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseJournalUploadAndAudisp(t *testing.T) {
	if url, line := parseJournalUpload([]byte("[Upload]\n# URL=x\nURL=https://logs.example:19532\n")); url != "https://logs.example:19532" || line != 3 {
		t.Errorf("parseJournalUpload = %q, %d; want https://logs.example:19532, 3", url, line)
	}
	if url, _ := parseJournalUpload([]byte("[Upload]\n#URL=\n")); url != "" {
		t.Errorf("parseJournalUpload(commented) = %q, want empty", url)
	}
	if tgt, line := parseAudispRemote([]byte("remote_server = audit.example\nport = 6000\n")); tgt != "tcp://audit.example:6000" || line != 1 {
		t.Errorf("parseAudispRemote = %q, %d; want tcp://audit.example:6000, 1", tgt, line)
	}
	if tgt, _ := parseAudispRemote([]byte("remote_server =\n")); tgt != "" {
		t.Errorf("parseAudispRemote(empty) = %q, want empty", tgt)
	}
	if !pluginActive([]byte("active = yes\n")) || pluginActive([]byte("active = no\n")) {
		t.Error("pluginActive: want yes true and no false")
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		ids    []string
		warns  int
		warnOn string
	}{
		{"empty", "", nil, 0, ""},
		{"none", "{}", nil, 0, ""},
		{"one", `{"app_logs":[{"id":"a","path":"/var/a.jsonl"}]}`, []string{"a"}, 0, ""},
		{"unknown key", `{"app_log":[]}`, nil, 1, "no application logs checked"},
		{"bad entries left out", `{"app_logs":[{"id":"","path":"/x"},{"id":"b","path":"x"},{"id":"c","path":"/c","format":"xml"},{"id":"d","path":"/d","max_lines":-1},{"id":"e","path":"/e","operations":{"get":"reading"}},{"id":"f","path":"/f","colour":1},{"id":"g","path":"/g"},{"id":"g","path":"/g2"}]}`, []string{"g"}, 7, "duplicate id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, warns := parseOptions(json.RawMessage(tt.in))
			var ids []string
			for _, l := range o.AppLogs {
				ids = append(ids, l.ID)
			}
			if !reflect.DeepEqual(ids, tt.ids) || len(warns) != tt.warns || !strings.Contains(strings.Join(warns, "\n"), tt.warnOn) {
				t.Errorf("parseOptions(%s) = %v, %q; want %v, %d warnings mentioning %q", tt.in, ids, warns, tt.ids, tt.warns, tt.warnOn)
			}
		})
	}
	o, _ := parseOptions(json.RawMessage(`{"app_logs":[{"id":"a","path":"/a","operations":{"GET":"Consultation"}}]}`))
	s := o.AppLogs[0]
	if s.Operations["get"] != "consultation" || s.Operations["delete"] != "erasure" || s.Operations["erasure"] != "erasure" || s.MaxLines != DefaultMaxLines || s.Fields != defaultFields || s.Format != "jsonl" {
		t.Errorf("parseOptions defaults = %+v, want mapping, default fields, jsonl and max lines", s)
	}
}

// spec returns a checked declaration with default fields.
func spec(t testing.TB) appLogSpec {
	t.Helper()
	o, warns := parseOptions(json.RawMessage(`{"app_logs":[{"id":"a","path":"/a","fields":{"actor":"who.id"},"operations":{"ACCESS_RECORD":"consultation"}}]}`))
	if len(warns) == 0 {
		t.Fatal("parseOptions accepted an unknown field name")
	}
	o, warns = parseOptions(json.RawMessage(`{"app_logs":[{"id":"a","path":"/a","fields":{"user":"who.id"},"operations":{"ACCESS_RECORD":"consultation"}}]}`))
	if len(warns) > 0 {
		t.Fatal(warns)
	}
	return o.AppLogs[0]
}

func TestScanJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"time":"2026-08-01T10:00:00Z","operation":"access_record","who":{"id":"ann"},"justification":"FOI"}`,
		`{"time":1785578400,"operation":"read","who":{"id":""}}`,
		``,
		`[1,2]`,
		`{"time":"yesterday","operation":"disclose","who":{"id":"bob"},"justification":"DSAR","recipient":""}`,
		`{"time":1785578400000,"operation":"login"}`,
		`{"operation":"erasure","who":{"id":"bob"}}`,
		`{broken`,
	}, "\n")
	got := scanJSONL([]byte(in), spec(t))
	want := map[string]Operation{
		"consultation": {Entries: 2, MissingUser: 1, MissingJustification: 1},
		"disclosure":   {Entries: 1, MissingTime: 1, MissingRecipient: 1},
		"erasure":      {Entries: 1, MissingTime: 1, MissingJustification: 1},
	}
	if got.Entries != 5 || got.Bad != 2 || got.Unmapped != 1 || got.BadTime != 1 || !reflect.DeepEqual(got.Operations, want) {
		t.Errorf("scanJSONL = entries %d bad %d unmapped %d badtime %d ops %+v; want 5 2 1 1 %+v", got.Entries, got.Bad, got.Unmapped, got.BadTime, got.Operations, want)
	}
	if got.From == nil || got.To == nil || got.From.Format(time.RFC3339) != "2026-08-01T10:00:00Z" || !got.To.Equal(*got.From) {
		t.Errorf("scanJSONL from/to = %v/%v, want 2026-08-01T10:00:00Z both", got.From, got.To)
	}
}

func TestTailLines(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		cut  bool
		want string
	}{
		{"a\nb\nc\n", 2, false, "b\nc\n"},
		{"a\nb\nc", 5, false, "a\nb\nc"},
		{"artial\nb\nc\n", 5, true, "b\nc\n"},
		{"no newline", 1, true, ""},
		{"", 3, false, ""},
	}
	for _, tt := range tests {
		if got := string(tailLines([]byte(tt.in), tt.n, tt.cut)); got != tt.want {
			t.Errorf("tailLines(%q, %d, %v) = %q, want %q", tt.in, tt.n, tt.cut, got, tt.want)
		}
	}
}

func FuzzParseJournaldConf(f *testing.F) {
	f.Add([]byte("[Journal]\nStorage=persistent\nMaxRetentionSec=1month 2d\nSystemMaxUse=4G\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, _ := parseJournaldConf(journaldConf{Storage: "auto"}, b)
		if c.MaxRetentionSec < 0 || c.SystemMaxUse < 0 {
			t.Errorf("parseJournaldConf(%q) = %+v, negative", b, c)
		}
		switch c.Storage {
		case "persistent", "auto", "volatile", "none":
		default:
			t.Errorf("parseJournaldConf(%q) storage %q", b, c.Storage)
		}
	})
}

func FuzzParseAuditdConf(f *testing.F) {
	f.Add([]byte("write_logs = yes\nmax_log_file = 8\nnum_logs = 5\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, _ := parseAuditdConf(b)
		if c.MaxLogFileMB < 0 || c.NumLogs < 0 {
			t.Errorf("parseAuditdConf(%q) = %+v, negative", b, c)
		}
		countAuditRules(b)
		firstAuditTime(b)
	})
}

func FuzzParseRsyslog(f *testing.F) {
	f.Add([]byte("*.* @@logs:514\n*.* action(type=\"omfwd\"\ntarget=\"x\")\n/* c */\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, tg := range parseRsyslog(b) {
			if !strings.Contains(tg.Target, "://") || tg.Line < 1 {
				t.Errorf("parseRsyslog(%q) gave %+v", b, tg)
			}
		}
		parseJournalUpload(b)
		parseAudispRemote(b)
	})
}

func FuzzScanJSONL(f *testing.F) {
	f.Add([]byte(`{"time":"2026-08-01T10:00:00Z","operation":"read","user":"a"}` + "\nbad\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st := scanJSONL(b, spec(t))
		n := 0
		for _, o := range st.Operations {
			n += o.Entries
			if o.MissingTime > o.Entries || o.MissingUser > o.Entries || o.MissingJustification > o.Entries || o.MissingRecipient > o.Entries {
				t.Errorf("scanJSONL(%q) = %+v", b, o)
			}
		}
		if n+st.Unmapped != st.Entries {
			t.Errorf("scanJSONL(%q): %d mapped + %d unmapped != %d entries", b, n, st.Unmapped, st.Entries)
		}
	})
}
