package packages

import (
	"strings"

	"github.com/auditfleet/auditfleet/plugins/internal/deb822"
)

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
	deb822.EachStanza(data, []string{"Package", "Status", "Version", "Architecture"}, func(v []string) {
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
	deb822.EachStanza(data, []string{"Package", "Version", "Architecture"}, func(v []string) {
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
