package logging

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
)

// rsyslogTarget is one forwarding action found in an rsyslog
// configuration file.
type rsyslogTarget struct {
	Target string
	Line   int
}

// legacyForwardRE matches a legacy rsyslog forwarding action after its
// selector: "@host", "@@host:port", "@@(o,z9)host", "@[::1]:514".
var legacyForwardRE = regexp.MustCompile(`^\S+\s+(@@?)(?:\([^)]*\))?(\[[^\]]+\]|[^:;\s#]+)(?::([0-9]+))?`)

// relpForwardRE matches a legacy RELP action ":omrelp:host:port".
var relpForwardRE = regexp.MustCompile(`^\S+\s+:omrelp:(\[[^\]]+\]|[^:;\s#]+)(?::([0-9]+))?`)

// rainerParamRE matches one name="value" parameter of a RainerScript
// object.
var rainerParamRE = regexp.MustCompile(`([A-Za-z_.]+)\s*=\s*"([^"]*)"`)

// stripBlockComments blanks /* ... */ comments, keeping line breaks so
// that line numbers still hold.
func stripBlockComments(b []byte) []byte {
	out := bytes.Clone(b)
	for i := 0; i+1 < len(out); i++ {
		if out[i] != '/' || out[i+1] != '*' {
			continue
		}
		j := i + 2
		for j+1 < len(out) && (out[j] != '*' || out[j+1] != '/') {
			j++
		}
		end := min(j+2, len(out))
		for k := i; k < end; k++ {
			if out[k] != '\n' {
				out[k] = ' '
			}
		}
		i = end - 1
	}
	return out
}

// parseRsyslog returns the forwarding actions of one rsyslog
// configuration file: legacy "@"/"@@" and ":omrelp:" actions, and
// RainerScript action(type="omfwd" ...) and action(type="omrelp" ...)
// objects, which may span lines. Targets are written
// "protocol://host[:port]".
func parseRsyslog(b []byte) []rsyslogTarget {
	var out []rsyslogTarget
	b = stripBlockComments(b)
	var block strings.Builder
	blockLine, depth := 0, 0
	s := bufio.NewScanner(bytes.NewReader(b))
	s.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if depth == 0 {
			if m := legacyForwardRE.FindStringSubmatch(line); m != nil {
				proto := "udp"
				if m[1] == "@@" {
					proto = "tcp"
				}
				out = append(out, rsyslogTarget{Target: target(proto, m[2], m[3]), Line: n})
				continue
			}
			if m := relpForwardRE.FindStringSubmatch(line); m != nil {
				out = append(out, rsyslogTarget{Target: target("relp", m[1], m[2]), Line: n})
				continue
			}
			i := strings.Index(line, "action(")
			if i < 0 {
				continue
			}
			line = line[i:]
			blockLine = n
			block.Reset()
		}
		done := false
		for _, r := range line {
			block.WriteRune(r)
			switch r {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					done = true
				}
			}
			if done {
				break
			}
		}
		if !done {
			block.WriteByte(' ')
			if block.Len() > 1<<16 { // an unclosed object: give up on it
				depth = 0
			}
			continue
		}
		depth = 0
		if t, ok := rainerForward(block.String()); ok {
			out = append(out, rsyslogTarget{Target: t, Line: blockLine})
		}
	}
	return out
}

// rainerForward returns the target of a RainerScript action object that
// forwards to another machine.
func rainerForward(obj string) (string, bool) {
	p := map[string]string{}
	for _, m := range rainerParamRE.FindAllStringSubmatch(obj, -1) {
		p[strings.ToLower(m[1])] = m[2]
	}
	host := p["target"]
	if host == "" {
		return "", false
	}
	switch strings.ToLower(p["type"]) {
	case "omfwd":
		proto := strings.ToLower(p["protocol"])
		if proto == "" {
			proto = "udp"
		}
		return target(proto, host, p["port"]), true
	case "omrelp":
		return target("relp", host, p["port"]), true
	}
	return "", false
}

// target writes a forwarding destination as "proto://host[:port]".
func target(proto, host, port string) string {
	if port == "" {
		return proto + "://" + host
	}
	return proto + "://" + host + ":" + port
}

// parseJournalUpload returns the URL= of journal-upload.conf's [Upload]
// section (the last one set) and its line; "" when unset.
func parseJournalUpload(b []byte) (string, int) {
	url, line := "", 0
	for _, l := range parseINI(b, "Upload") {
		if l.Key == "URL" {
			url, line = l.Value, l.Line
		}
	}
	return url, line
}

// parseAudispRemote returns the remote_server of audisp-remote.conf, as
// "tcp://host:port", and its line; "" when unset.
func parseAudispRemote(b []byte) (string, int) {
	host, port, line := "", "", 0
	for _, l := range parseKeyValue(b) {
		switch l.Key {
		case "remote_server":
			host, line = l.Value, l.Line
		case "port":
			port = l.Value
		}
	}
	if host == "" {
		return "", 0
	}
	if port == "" {
		port = "60"
	}
	return target("tcp", host, port), line
}

// pluginActive reports whether an audit dispatcher plugin file
// (plugins.d/au-remote.conf) sets active = yes.
func pluginActive(b []byte) bool {
	active := false
	for _, l := range parseKeyValue(b) {
		if l.Key == "active" {
			active, _ = parseBool(l.Value)
		}
	}
	return active
}
