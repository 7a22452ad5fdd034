package unitlog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// DefaultTextLogs are the syslog-format text logs read by default; each
// is read with its ".1" rotation, the rotation first.
var DefaultTextLogs = []string{"/var/log/syslog", "/var/log/daemon.log", "/var/log/messages", "/var/log/cron.log", "/var/log/cron"}

// Bounds on text logs.
const (
	maxTextLog  = 256 << 20 // bytes read of one file
	maxLineLen  = 64 << 10  // longer lines are skipped
	maxTextFile = 16        // files read
)

// syslogLine is one parsed line of a syslog-format text log.
type syslogLine struct {
	at      time.Time
	ident   string
	pid     int
	message string
}

// parseSyslogLine parses one line in the traditional format
// ("Sep  1 02:00:04 host ident[pid]: message") or the RFC 3339 one
// ("2026-09-01T02:00:04.123456+01:00 host ident[pid]: message"). A
// traditional timestamp has no year and no zone: it is read in loc, in
// the year that puts it no later than a day after ref (the file's
// modification time), since a log holds no lines from its future.
func parseSyslogLine(line string, ref time.Time, loc *time.Location) (syslogLine, bool) {
	var l syslogLine
	var rest string
	if len(line) >= 16 && line[3] == ' ' && line[6] == ' ' && line[9] == ':' && line[12] == ':' && line[15] == ' ' {
		t, err := time.ParseInLocation("Jan _2 15:04:05", line[:15], loc)
		if err != nil {
			return l, false
		}
		r := ref.In(loc)
		at := time.Date(r.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
		if at.After(ref.Add(24 * time.Hour)) {
			at = at.AddDate(-1, 0, 0)
		}
		l.at, rest = at, line[16:]
	} else {
		sp := strings.IndexByte(line, ' ')
		if sp < 19 {
			return l, false
		}
		t, err := time.Parse(time.RFC3339Nano, line[:sp])
		if err != nil {
			return l, false
		}
		l.at, rest = t, line[sp+1:]
	}
	l.at = l.at.UTC()
	// host, then "ident[pid]: message" or "ident: message".
	sp := strings.IndexByte(rest, ' ')
	if sp <= 0 {
		return l, false
	}
	rest = rest[sp+1:]
	colon := strings.Index(rest, ": ")
	if colon <= 0 {
		return l, false
	}
	tag := rest[:colon]
	l.message = strings.TrimRight(rest[colon+2:], "\r")
	if br := strings.IndexByte(tag, '['); br > 0 && strings.HasSuffix(tag, "]") {
		pid, err := strconv.Atoi(tag[br+1 : len(tag)-1])
		if err != nil || pid < 0 {
			return l, false
		}
		l.ident, l.pid = tag[:br], pid
	} else {
		if strings.ContainsAny(tag, " []") {
			return l, false
		}
		l.ident = tag
	}
	return l, true
}

// TextLog is one text log to read.
type TextLog struct {
	// Path is its host path.
	Path string
	// ModTime is its modification time, which dates the lines of a
	// traditional timestamp (no year).
	ModTime time.Time
}

// FindTextLogs returns the text logs present: each of DefaultTextLogs
// with its ".1" rotation, then the logs of extra; missing ones are
// skipped, unreadable ones are warnings.
func FindTextLogs(root *hostroot.Root, extra []string) ([]TextLog, []string) {
	var names []string
	var warns sdk.Warnings
	for _, n := range DefaultTextLogs {
		names = append(names, n+".1", n)
	}
	names = append(names, extra...)
	var logs []TextLog
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		fi, err := root.Stat(n)
		if err != nil {
			if !IsNotExist(err) {
				warns.Add("text log %s: %v; not read", n, err)
			}
			continue
		}
		if !fi.Mode().IsRegular() {
			warns.Add("text log %s is not a regular file; not read", n)
			continue
		}
		if len(logs) == maxTextFile {
			warns.Add("more than %d text logs; %s and the rest not read", maxTextFile, n)
			break
		}
		logs = append(logs, TextLog{Path: n, ModTime: fi.ModTime()})
	}
	return logs, warns
}

// ReadTextLog passes every line of l logged from since on to visit, in
// file order, reading its timestamps in loc when they carry no zone. The
// warnings are for what was skipped (overlong lines); the error, for a
// file that could not be read to its end (what was read was passed on).
func ReadTextLog(ctx context.Context, root *hostroot.Root, l TextLog, loc *time.Location, since time.Time, visit func(Line)) ([]string, error) {
	f, err := root.Open(l.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	skipped, err := scanTextLog(ctx, io.LimitReader(f, maxTextLog), l, loc, since, visit)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", l.Path, err)
	}
	if skipped > 0 {
		return []string{fmt.Sprintf("text log %s: %d lines longer than %d bytes skipped", l.Path, skipped, maxLineLen)}, nil
	}
	return nil, nil
}

// ErrCutShort is returned, wrapped, by ReadTextLog for a log whose last
// line does not end in a newline: it was cut short, or read while being
// written, so its newest lines may be lost.
var ErrCutShort = errors.New("its last line does not end in a newline: cut short")

// scanTextLog parses the lines of r, passing those from since on to
// visit, and returns how many overlong lines were skipped.
func scanTextLog(ctx context.Context, r io.Reader, l TextLog, loc *time.Location, since time.Time, visit func(Line)) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	skipped, n := 0, 0
	for {
		line, err := br.ReadSlice('\n')
		long := false
		for err == bufio.ErrBufferFull {
			long = true
			_, err = br.ReadSlice('\n')
		}
		if err == io.EOF && len(line) > 0 {
			// Loggers end every line: a last line without its newline is
			// a log cut short (or still being written), and the lines
			// after it are lost. Its part is not parsed: a cut message
			// could read as another.
			return skipped, ErrCutShort
		}
		if long || len(line) > maxLineLen {
			skipped++
		} else if len(line) > 0 {
			if sl, ok := parseSyslogLine(string(bytes.TrimRight(line, "\n")), l.ModTime, loc); ok && !sl.at.Before(since) {
				visit(Line{At: sl.at, Ident: sl.ident, PID: sl.pid, Message: sl.message, Log: l.Path})
			}
		}
		if err == io.EOF {
			return skipped, nil
		}
		if err != nil {
			return skipped, err
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return skipped, err
			}
		}
	}
}

// HostLocation returns the host's time zone from /etc/localtime; ok is
// false, and the zone UTC, when it cannot be read.
func HostLocation(root *hostroot.Root) (*time.Location, bool) {
	b, err := root.ReadFile("/etc/localtime", 1<<20)
	if err != nil {
		return time.UTC, false
	}
	loc, err := time.LoadLocationFromTZData("localtime", b)
	if err != nil {
		return time.UTC, false
	}
	return loc, true
}
