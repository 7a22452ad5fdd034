package packages

import (
	"github.com/auditfleet/auditfleet/plugins/internal/dpkg"
)

// pkg is one binary package: installed (dpkg status) or offered (apt
// Packages list).
type pkg = dpkg.Package

// key identifies a package for the comparison of installed packages with
// the lists: name and architecture. Versions are compared as dpkg does.
func key(p pkg) string {
	return p.Name + "\x00" + p.Arch
}
