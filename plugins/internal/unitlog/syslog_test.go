package unitlog

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// testNow is when the tests read.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func TestParseSyslogLine(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	newYear := time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC)
	tests := []struct {
		name  string
		line  string
		ref   time.Time
		loc   *time.Location
		ok    bool
		at    string
		ident string
		pid   int
		msg   string
	}{
		{"traditional", "Sep  1 02:00:04 app-07 systemd[1]: x.service: Succeeded.", ref, time.UTC, true, "2026-09-01T02:00:04Z", "systemd", 1, "x.service: Succeeded."},
		{"local time", "Sep  1 04:00:09 app-07 CRON[4300]: (CRON) error", ref, london, true, "2026-09-01T03:00:09Z", "CRON", 4300, "(CRON) error"},
		{"no pid", "Aug 31 23:59:59 app-07 kernel: [1.0] hello", ref, time.UTC, true, "2026-08-31T23:59:59Z", "kernel", 0, "[1.0] hello"},
		{"a day ahead of the mtime is this year", "Sep  2 11:00:00 h x: m", ref, time.UTC, true, "2026-09-02T11:00:00Z", "x", 0, "m"},
		{"later than that is last year", "Dec 31 23:59:00 h x: m", ref, time.UTC, true, "2025-12-31T23:59:00Z", "x", 0, "m"},
		{"across new year", "Dec 31 23:59:00 h x: m", newYear, time.UTC, true, "2026-12-31T23:59:00Z", "x", 0, "m"},
		{"rfc3339", "2026-09-01T03:00:01.000000+01:00 app-07 CROND[2001]: (root) CMD (x)", ref, time.UTC, true, "2026-09-01T02:00:01Z", "CROND", 2001, "(root) CMD (x)"},
		{"crlf", "Sep  1 02:00:04 h x[2]: m\r", ref, time.UTC, true, "2026-09-01T02:00:04Z", "x", 2, "m"},
		{"bad month", "Foo  1 02:00:04 h x: m", ref, time.UTC, false, "", "", 0, ""},
		{"bad pid", "Sep  1 02:00:04 h x[y]: m", ref, time.UTC, false, "", "", 0, ""},
		{"no tag", "Sep  1 02:00:04 h message without a tag", ref, time.UTC, false, "", "", 0, ""},
		{"no host", "Sep  1 02:00:04 ", ref, time.UTC, false, "", "", 0, ""},
		{"garbage", "this line is not syslog at all", ref, time.UTC, false, "", "", 0, ""},
		{"empty", "", ref, time.UTC, false, "", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ok := parseSyslogLine(tt.line, tt.ref, tt.loc)
			if ok != tt.ok {
				t.Fatalf("parseSyslogLine(%q) ok = %v, want %v", tt.line, ok, tt.ok)
			}
			if !ok {
				return
			}
			if got := l.at.Format(time.RFC3339); got != tt.at || l.ident != tt.ident || l.pid != tt.pid || l.message != tt.msg {
				t.Errorf("parseSyslogLine(%q) = %s %q %d %q, want %s %q %d %q", tt.line, got, l.ident, l.pid, l.message, tt.at, tt.ident, tt.pid, tt.msg)
			}
		})
	}
}

// TestScanTextLogLongLines checks that an overlong line is skipped and
// counted, and the lines around it still read.
func TestScanTextLogLongLines(t *testing.T) {
	in := "Sep  1 02:00:04 h systemd[1]: a.service: Failed with result 'exit-code'.\n" +
		"Sep  1 02:00:05 h x: " + strings.Repeat("y", 200<<10) + "\n" +
		"Sep  1 02:00:06 h systemd[1]: b.service: Failed with result 'signal'.\n"
	var lines []Line
	skipped, err := scanTextLog(t.Context(), strings.NewReader(in), TextLog{Path: "/l", ModTime: testNow}, time.UTC, time.Time{}, func(l Line) { lines = append(lines, l) })
	if err != nil || skipped != 1 || len(lines) != 2 || lines[1].Message != "b.service: Failed with result 'signal'." || lines[1].Log != "/l" {
		t.Errorf("scanTextLog = %+v, %d skipped, %v; want 2 lines, 1 skipped", lines, skipped, err)
	}
}

// FuzzParseSyslogLine checks that no line makes the parser or the
// classifier panic, and that what parses is consistent.
func FuzzParseSyslogLine(f *testing.F) {
	for _, s := range []string{
		"Sep  1 02:00:04 app-07 systemd[1]: backup-db.service: Failed with result 'exit-code'.",
		"Sep  1 04:00:09 app-07 CRON[4300]: (CRON) error (grandchild #4301 failed with exit status 2)",
		"Aug 31 05:00:01 app-07 CRON[4211]: (root) CMD (/opt/legacy/sync.sh)",
		"2026-09-01T03:00:01.000000+01:00 app-07 CROND[2001]: (root) CMD (x)",
		"Feb 29 00:00:00 h x[-1]: m",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		l, ok := parseSyslogLine(line, testNow, time.UTC)
		if !ok {
			return
		}
		if l.pid < 0 || l.at.Location() != time.UTC {
			t.Fatalf("parseSyslogLine(%q) = %+v", line, l)
		}
		ev, ok := Classify(Line{Ident: l.ident, PID: l.pid, Message: l.message})
		if ok && ev.Kind != Boot && UnitType(ev.Unit) == "" {
			t.Fatalf("Classify(%q) gave unit %q of no known type", line, ev.Unit)
		}
	})
}

// TestScanTextLogCutShort checks that a log whose last line has no
// newline is reported cut short, with the lines before it read and the
// cut one not parsed.
func TestScanTextLogCutShort(t *testing.T) {
	tests := []struct {
		name, in string
		lines    int
		cut      bool
	}{
		{"whole", "Sep  1 03:00:01 h CRON[1]: (r) CMD (x)\nSep  1 03:00:02 h CRON[1]: (r) END (x)\n", 2, false},
		{"cut in the last line", "Sep  1 03:00:01 h CRON[1]: (r) CMD (x)\nSep  1 03:00:02 h CRON[1]: (r) EN", 1, true},
		{"one line cut", "Sep  1 03:00:01 h CR", 0, true},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []Line
			_, err := scanTextLog(t.Context(), strings.NewReader(tt.in), TextLog{Path: "/l", ModTime: testNow}, time.UTC, time.Time{}, func(l Line) { lines = append(lines, l) })
			if len(lines) != tt.lines || errors.Is(err, ErrCutShort) != tt.cut {
				t.Errorf("scanTextLog = %d lines, %v; want %d lines, cut short %v", len(lines), err, tt.lines, tt.cut)
			}
		})
	}
}
