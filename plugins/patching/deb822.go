package patching

import (
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/plugins/internal/deb822"
)

// installed is one installed binary package from the dpkg status file.
type installed struct {
	Name, Arch, Version string
}

// onDisk are the dpkg states (the third word of Status) in which a
// package's files are on the system: an update to it matters.
// "not-installed" and "config-files" are left out.
var onDisk = map[string]bool{
	"installed": true, "half-configured": true, "unpacked": true,
	"half-installed": true, "triggers-awaited": true, "triggers-pending": true,
}

// parseStatus parses /var/lib/dpkg/status, returning the packages whose
// files are on the system, held ones included.
func parseStatus(data []byte) []installed {
	var out []installed
	deb822.EachStanza(data, []string{"Package", "Status", "Version", "Architecture"}, func(v []string) {
		st := strings.Fields(v[1])
		if v[0] == "" || v[2] == "" || len(st) != 3 || !onDisk[st[2]] {
			return
		}
		out = append(out, installed{Name: v[0], Version: v[2], Arch: v[3]})
	})
	return out
}

// available is one binary package offered by an apt Packages list.
type available struct {
	Name, Arch, Version string
}

// parsePackages parses an apt Packages list.
func parsePackages(data []byte) []available {
	var out []available
	deb822.EachStanza(data, []string{"Package", "Version", "Architecture"}, func(v []string) {
		if v[0] == "" || v[1] == "" {
			return
		}
		out = append(out, available{Name: v[0], Version: v[1], Arch: v[2]})
	})
	return out
}

// release is the header of an apt Release or InRelease file.
type release struct {
	Origin, Label, Suite, Version, Codename string
	// Date is when the archive signed the index; zero when absent or
	// unreadable.
	Date time.Time
}

// dateLayouts are the forms of the Release Date field seen in archives
// (RFC 1123 with "UTC" or a numeric zone, days with or without a
// leading zero).
var dateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 -0700",
}

// parseRelease parses the first stanza of a Release or InRelease file.
func parseRelease(data []byte) release {
	var r release
	done := false
	deb822.EachStanza(data, []string{"Origin", "Label", "Suite", "Version", "Codename", "Date"}, func(v []string) {
		if done {
			return
		}
		done = true
		r = release{Origin: v[0], Label: v[1], Suite: v[2], Version: v[3], Codename: v[4]}
		r.Date = parseReleaseDate(v[5])
	})
	return r
}

// parseReleaseDate reads a Release Date field as UTC, or returns the
// zero time.
func parseReleaseDate(s string) time.Time {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// origin names the archive of r as apt policy does, e.g.
// "Debian-Security:12/stable-security"; "" when r says nothing.
func (r release) origin() string {
	name := r.Label
	if name == "" {
		name = r.Origin
	}
	suite := r.Suite
	if suite == "" {
		suite = r.Codename
	}
	switch {
	case name == "" && suite == "":
		return ""
	case r.Version == "":
		return name + ":" + suite
	}
	return name + ":" + r.Version + "/" + suite
}
