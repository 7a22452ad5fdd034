package packages

import (
	"strings"

	"github.com/auditfleet/auditfleet/plugins/internal/dpkg"
)

// pkg is one binary package: installed (dpkg status) or offered (apt
// Packages list).
type pkg = dpkg.Package

// key identifies a package version for the comparison of installed
// packages with the lists: name, architecture and version, with an
// explicit zero epoch dropped ("0:1.2" is "1.2" to dpkg).
func key(p pkg) string {
	v := strings.TrimSpace(p.Version)
	v = strings.TrimPrefix(v, "0:")
	return p.Name + "\x00" + p.Arch + "\x00" + v
}
