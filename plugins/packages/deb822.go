package packages

import (
	"bytes"
	"strings"
)

// eachStanza calls fn for every stanza of deb822 data (dpkg status, apt
// Packages lists), with vals[i] holding the value of fields[i] in that
// stanza ("" when absent). Field names match case-insensitively;
// continuation lines and other fields are skipped. vals is reused between
// calls. The approach is plugins/patching's.
func eachStanza(data []byte, fields []string, fn func(vals []string)) {
	vals := make([]string, len(fields))
	have := false
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			if have {
				fn(vals)
				clear(vals)
				have = false
			}
			continue
		}
		if line[0] == ' ' || line[0] == '\t' || line[0] == '#' {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		name := line[:colon]
		for k, f := range fields {
			if len(f) == len(name) && strings.EqualFold(f, string(name)) {
				vals[k] = string(bytes.TrimSpace(line[colon+1:]))
				have = true
				break
			}
		}
	}
	if have {
		fn(vals)
	}
}

// pkg is one binary package: installed (dpkg status) or offered (apt
// Packages list).
type pkg struct {
	Name, Arch, Version string
}

// onDisk are the dpkg states (the third word of Status) in which a
// package's files are on the system; "not-installed" and "config-files"
// are left out.
var onDisk = map[string]bool{
	"installed": true, "half-configured": true, "unpacked": true,
	"half-installed": true, "triggers-awaited": true, "triggers-pending": true,
}

// parseStatus parses /var/lib/dpkg/status, returning the packages whose
// files are on the system.
func parseStatus(data []byte) []pkg {
	var out []pkg
	eachStanza(data, []string{"Package", "Status", "Version", "Architecture"}, func(v []string) {
		st := strings.Fields(v[1])
		if v[0] == "" || v[2] == "" || len(st) != 3 || !onDisk[st[2]] {
			return
		}
		out = append(out, pkg{Name: v[0], Version: v[2], Arch: v[3]})
	})
	return out
}

// parsePackages parses an apt Packages list.
func parsePackages(data []byte) []pkg {
	var out []pkg
	eachStanza(data, []string{"Package", "Version", "Architecture"}, func(v []string) {
		if v[0] == "" || v[1] == "" {
			return
		}
		out = append(out, pkg{Name: v[0], Version: v[1], Arch: v[2]})
	})
	return out
}

// key identifies a package version for the comparison of installed
// packages with the lists: name, architecture and version, with an
// explicit zero epoch dropped ("0:1.2" is "1.2" to dpkg).
func (p pkg) key() string {
	v := strings.TrimSpace(p.Version)
	v = strings.TrimPrefix(v, "0:")
	return p.Name + "\x00" + p.Arch + "\x00" + v
}
