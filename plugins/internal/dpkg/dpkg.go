package dpkg

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Host paths of dpkg and apt.
const (
	StatusPath = "/var/lib/dpkg/status"
	ListsDir   = "/var/lib/apt/lists"
)

// StatusLimit bounds the dpkg status file.
const StatusLimit = 64 << 20

// otherManagers are files whose presence shows a host whose package
// manager is not dpkg, with the family they belong to.
var otherManagers = []struct{ path, family string }{
	{"/etc/redhat-release", "RHEL family (dnf, yum)"},
	{"/etc/dnf/dnf.conf", "RHEL family (dnf, yum)"},
	{"/etc/yum.conf", "RHEL family (dnf, yum)"},
	{"/var/lib/rpm", "RHEL family (dnf, yum)"},
	{"/usr/lib/sysimage/rpm", "RHEL family (dnf, yum)"},
	{"/lib/apk/db/installed", "Alpine (apk)"},
}

// ReadStatus reads the host's dpkg status. A host without one gets an
// error wrapping sdk.ErrNotApplicable that names the other package
// manager found, if any; an unreadable status is an ordinary error.
func ReadStatus(root *hostroot.Root) ([]byte, error) {
	data, err := root.ReadFile(StatusPath, StatusLimit)
	if errors.Is(err, fs.ErrNotExist) {
		for _, m := range otherManagers {
			if _, err := root.Stat(m.path); err == nil {
				return nil, fmt.Errorf("found %s: the %s is not supported yet: %w", m.path, m.family, sdk.ErrNotApplicable)
			}
		}
		return nil, fmt.Errorf("no %s: no supported package manager: %w", StatusPath, sdk.ErrNotApplicable)
	}
	if err != nil {
		return nil, fmt.Errorf("installed packages unknown: %w", err)
	}
	return data, nil
}
