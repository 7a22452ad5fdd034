package logging

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// confLine is one key and value of a configuration file, with its line
// number (from 1).
type confLine struct {
	Key, Value string
	Line       int
}

// parseKeyValue parses an auditd-style file of "key = value" lines with
// "#" comments. Keys are lower-cased; lines without "=" are skipped.
func parseKeyValue(b []byte) []confLine {
	var out []confLine
	s := bufio.NewScanner(bytes.NewReader(b))
	s.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out = append(out, confLine{Key: strings.ToLower(strings.TrimSpace(k)), Value: strings.TrimSpace(v), Line: n})
	}
	return out
}

// parseINI parses a systemd unit-style file (journald.conf,
// journal-upload.conf) and returns the settings of section, in order.
// Keys keep their case, as systemd's do.
func parseINI(b []byte, section string) []confLine {
	var out []confLine
	cur := ""
	s := bufio.NewScanner(bytes.NewReader(b))
	s.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			cur = line[1 : len(line)-1]
			continue
		}
		if cur != section {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out = append(out, confLine{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v), Line: n})
	}
	return out
}

// parseBytes parses a systemd size ("4G", "500M", "1024"), with
// 1024-based suffixes K, M, G, T, P, E.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("parse size: empty")
	}
	mult := int64(1)
	switch s[len(s)-1] {
	case 'K', 'k':
		mult = 1 << 10
	case 'M', 'm':
		mult = 1 << 20
	case 'G', 'g':
		mult = 1 << 30
	case 'T', 't':
		mult = 1 << 40
	case 'P', 'p':
		mult = 1 << 50
	case 'E', 'e':
		mult = 1 << 60
	case 'B', 'b':
	}
	num := strings.TrimSpace(strings.TrimRight(s, "KkMmGgTtPpEeBb"))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("parse size %q: not a size", s)
	}
	v := f * float64(mult)
	if v >= 1<<63 {
		return 0, fmt.Errorf("parse size %q: too large", s)
	}
	return int64(v), nil
}

// timeUnits are systemd.time(7)'s time span units.
var timeUnits = map[string]time.Duration{
	"us": time.Microsecond, "usec": time.Microsecond,
	"ms": time.Millisecond, "msec": time.Millisecond,
	"s": time.Second, "sec": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	"M": 2629800 * time.Second, "month": 2629800 * time.Second, "months": 2629800 * time.Second,
	"y": 31557600 * time.Second, "year": 31557600 * time.Second, "years": 31557600 * time.Second,
}

// parseTimeSpan parses a systemd time span ("1month", "90d", "2w 3d",
// "3600", where a bare number is seconds) into whole seconds.
func parseTimeSpan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("parse time span: empty")
	}
	var total float64
	rest := s
	for rest != "" {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("parse time span %q: expected a number", s)
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("parse time span %q: %w", s, err)
		}
		rest = strings.TrimLeft(rest[i:], " \t")
		j := 0
		for j < len(rest) && (rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z') {
			j++
		}
		unit := time.Second
		if j > 0 {
			u, ok := timeUnits[rest[:j]]
			if !ok {
				u, ok = timeUnits[strings.ToLower(rest[:j])]
			}
			if !ok {
				return 0, fmt.Errorf("parse time span %q: unknown unit %q", s, rest[:j])
			}
			unit = u
		}
		rest = rest[j:]
		total += n * unit.Seconds()
		if total >= 1<<62 {
			return 0, fmt.Errorf("parse time span %q: too large", s)
		}
	}
	return int64(total), nil
}

// parseBool parses a yes/no setting as auditd and systemd write them.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "on", "1":
		return true, true
	case "no", "false", "off", "0":
		return false, true
	}
	return false, false
}
