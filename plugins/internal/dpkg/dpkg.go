package dpkg

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/compressed"
	"github.com/auditfleet/auditfleet/plugins/internal/deb822"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
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
// manager found, if any; a status that is there but unreadable, a link
// to nothing, binary, cut inside its last line or without any package
// (dpkg itself is one) is an ordinary error: installed packages unknown,
// never "none installed".
func ReadStatus(root *hostroot.Root) ([]byte, error) {
	data, err := root.ReadFile(StatusPath, StatusLimit)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := root.Lstat(StatusPath); lerr == nil {
			return nil, fmt.Errorf("installed packages unknown: %s is a symbolic link to nothing", StatusPath)
		}
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
	if why := textcheck.Problem(data); why != "" {
		return nil, fmt.Errorf("installed packages unknown: %s %s", StatusPath, why)
	}
	if !bytes.Contains(data, []byte("Package:")) {
		return nil, fmt.Errorf("installed packages unknown: %s lists no package (emptied or damaged)", StatusPath)
	}
	if err := checkInfo(root, data); err != nil {
		return nil, err
	}
	return data, nil
}

// InfoDir is where dpkg keeps each package's file list (<name>.list, or
// <name>:<arch>.list for multi-arch packages).
const InfoDir = "/var/lib/dpkg/info"

// checkInfo compares the status with dpkg's file lists: dpkg keeps a
// <package>.list for every package whose files are on the system, so a
// list whose package the status does not mention means the status lost
// stanzas (cut at a stanza's end, which reads as a shorter, valid file).
// A host without the info directory (some minimal images drop it) is not
// checked.
func checkInfo(root *hostroot.Root, data []byte) error {
	ents, err := root.ReadDir(InfoDir)
	if err != nil {
		return nil
	}
	known := map[string]bool{}
	deb822.EachStanza(data, []string{"Package"}, func(v []string) { known[v[0]] = true })
	var missing []string
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".list")
		if !ok || e.IsDir() {
			continue
		}
		name, _, _ = strings.Cut(name, ":")
		if !known[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("installed packages unknown: %s has no entry for %d packages whose files dpkg lists in %s (e.g. %s): the status file lost entries (cut short or damaged)",
			StatusPath, len(missing), InfoDir, missing[0])
	}
	return nil
}

// ListLimit bounds one apt Packages list (after decompression); a larger
// one is refused.
const ListLimit = 256 << 20

// Package is one binary package: installed (dpkg status) or offered (apt
// Packages list).
type Package struct {
	Name, Arch, Version string
}

// onDisk are the dpkg states (the third word of Status) in which a
// package's files are on the system; "not-installed" and "config-files"
// are left out.
var onDisk = map[string]bool{
	"installed": true, "half-configured": true, "unpacked": true,
	"half-installed": true, "triggers-awaited": true, "triggers-pending": true,
}

// ParseStatus parses a dpkg status file, returning the packages whose
// files are on the system, held ones included.
func ParseStatus(data []byte) []Package {
	var out []Package
	deb822.EachStanza(data, []string{"Package", "Status", "Version", "Architecture"}, func(v []string) {
		st := strings.Fields(v[1])
		if v[0] == "" || v[2] == "" || len(st) != 3 || !onDisk[st[2]] {
			return
		}
		out = append(out, Package{Name: v[0], Version: v[2], Arch: v[3]})
	})
	return out
}

// ParsePackages parses an apt Packages list.
func ParsePackages(data []byte) []Package {
	var out []Package
	deb822.EachStanza(data, []string{"Package", "Version", "Architecture"}, func(v []string) {
		if v[0] == "" || v[1] == "" {
			return
		}
		out = append(out, Package{Name: v[0], Version: v[1], Arch: v[2]})
	})
	return out
}

// ReadList reads the Packages list name of ListsDir, plain or
// compressed in any format apt keeps lists in (Acquire::GzipIndexes,
// Acquire::CompressionTypes; see package compressed), whole: a list over
// ListLimit, corrupt, truncated or in another format is an error.
func ReadList(root *hostroot.Root, name string) ([]byte, error) {
	_, ext, ok := strings.Cut(name, "_Packages")
	if !ok || strings.Contains(ext, "_Packages") {
		return nil, fmt.Errorf("read %s/%s: not a Packages list", ListsDir, name)
	}
	return compressed.ReadFile(root, ListsDir+"/"+name, ext, ListLimit)
}

// EachListPackage calls fn for every package of the Packages list name of
// ListsDir, plain or compressed (see ReadList), reading it as a stream so
// that a large list is never held whole. It returns an error when the
// list cannot be read to its end (ListLimit, corruption, truncation, an
// unknown format); fn may have been called before that, so a caller must
// discard what it gathered from a list that failed.
func EachListPackage(root *hostroot.Root, name string, fn func(Package)) error {
	_, ext, ok := strings.Cut(name, "_Packages")
	if !ok || strings.Contains(ext, "_Packages") {
		return fmt.Errorf("read %s/%s: not a Packages list", ListsDir, name)
	}
	r, err := compressed.Open(root, ListsDir+"/"+name, ext, ListLimit)
	if err != nil {
		return err
	}
	defer r.Close()
	return deb822.EachStanzaReader(r, []string{"Package", "Version", "Architecture"}, func(v []string) {
		if v[0] != "" && v[1] != "" {
			fn(Package{Name: v[0], Version: v[1], Arch: v[2]})
		}
	})
}
