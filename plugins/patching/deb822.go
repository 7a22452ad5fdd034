package patching

import (
	"time"

	"github.com/auditfleet/auditfleet/plugins/internal/deb822"
	"github.com/auditfleet/auditfleet/plugins/internal/dpkg"
)

// installed is one installed binary package from the dpkg status file.
type installed = dpkg.Package

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
