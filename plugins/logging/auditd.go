package logging

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// auditdConf is what auditd.conf sets, with auditd's defaults.
type auditdConf struct {
	WriteLogs        bool
	LogFile          string
	MaxLogFileMB     int
	NumLogs          int
	MaxLogFileAction string
}

// defaultAuditdConf is auditd's behaviour with no auditd.conf settings
// (auditd.conf(5)).
var defaultAuditdConf = auditdConf{
	WriteLogs:        true,
	LogFile:          "/var/log/audit/audit.log",
	MaxLogFileMB:     8,
	NumLogs:          5,
	MaxLogFileAction: "rotate",
}

// parseAuditdConf parses auditd.conf over auditd's defaults. Invalid
// values are returned as problems and leave the default in place.
func parseAuditdConf(b []byte) (auditdConf, []string) {
	c := defaultAuditdConf
	var problems []string
	for _, l := range parseKeyValue(b) {
		switch l.Key {
		case "write_logs":
			v, ok := parseBool(l.Value)
			if !ok {
				problems = append(problems, fmt.Sprintf("line %d: write_logs %q is not yes or no", l.Line, l.Value))
				continue
			}
			c.WriteLogs = v
		case "log_file":
			if l.Value != "" {
				c.LogFile = l.Value
			}
		case "max_log_file":
			v, err := strconv.Atoi(l.Value)
			if err != nil || v < 0 {
				problems = append(problems, fmt.Sprintf("line %d: max_log_file %q is not a number of megabytes", l.Line, l.Value))
				continue
			}
			c.MaxLogFileMB = v
		case "num_logs":
			v, err := strconv.Atoi(l.Value)
			if err != nil || v < 0 {
				problems = append(problems, fmt.Sprintf("line %d: num_logs %q is not a number", l.Line, l.Value))
				continue
			}
			c.NumLogs = v
		case "max_log_file_action":
			if l.Value != "" {
				c.MaxLogFileAction = strings.ToLower(l.Value)
			}
		}
	}
	return c, problems
}

// countAuditRules counts the rules in an audit rules file (audit.rules or
// a rules.d file): "-a"/"-A" syscall rules and "-w" watches. Control
// lines (-D, -b, -f, -e, -r, --backlog_wait_time, ...) are not rules.
func countAuditRules(b []byte) int {
	n := 0
	s := bufio.NewScanner(bytes.NewReader(b))
	s.Buffer(make([]byte, 0, 4096), 1<<20)
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "-a" || f[0] == "-A" || f[0] == "-w":
			n++
		case strings.HasPrefix(f[0], "-a") && len(f[0]) > 2 && f[0][2] != '-',
			strings.HasPrefix(f[0], "-w") && len(f[0]) > 2:
			n++ // "-aalways,exit", "-w/etc/passwd"
		}
	}
	return n
}

// auditStampRE finds the time stamp of an audit record:
// "msg=audit(1700000000.123:456)".
var auditStampRE = regexp.MustCompile(`audit\(([0-9]{1,12})\.([0-9]{1,9}):[0-9]+\)`)

// firstAuditTime returns the time of the first audit record in the head
// of an audit log file.
func firstAuditTime(head []byte) (time.Time, bool) {
	m := auditStampRE.FindSubmatch(head)
	if m == nil {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil || sec <= 0 {
		return time.Time{}, false
	}
	frac := string(m[2])
	frac += strings.Repeat("0", 9-len(frac))
	ns, _ := strconv.ParseInt(frac, 10, 64)
	return time.Unix(sec, ns).UTC(), true
}

// auditLogIndex returns the rotation number of an audit log file named
// base ("audit.log" is 0, "audit.log.3" is 3); ok is false for other
// names.
func auditLogIndex(name, base string) (int, bool) {
	if name == base {
		return 0, true
	}
	rest, ok := strings.CutPrefix(name, base+".")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
