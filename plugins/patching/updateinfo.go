package patching

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/plugins/internal/rpmdb"
)

// Limits of the dnf metadata read.
const (
	// repomdLimit bounds repomd.xml.
	repomdLimit = 1 << 20
	// updateinfoLimit bounds an updateinfo file once decompressed
	// (Fedora's, the largest, is some tens of MiB).
	updateinfoLimit = 1 << 30
	// maxAdvisories bounds the advisories read from one updateinfo.
	maxAdvisories = 1_000_000
	// maxAdvisoryPackages bounds the packages of one advisory.
	maxAdvisoryPackages = 100_000
)

// repomd is the part of repodata/repomd.xml the collector reads: where
// each metadata file is.
type repomd struct {
	Data []struct {
		Type     string `xml:"type,attr"`
		Location struct {
			Href string `xml:"href,attr"`
		} `xml:"location"`
	} `xml:"data"`
}

// parseRepomd returns the location of each metadata type of a
// repomd.xml, e.g. "primary" -> "repodata/…-primary.xml.gz". Only
// locations of the form "repodata/NAME" are kept: dnf keeps the files
// of its cache there.
func parseRepomd(b []byte) (map[string]string, error) {
	var r repomd
	if err := xml.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range r.Data {
		name, ok := strings.CutPrefix(d.Location.Href, "repodata/")
		if !ok || name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\") {
			continue
		}
		if _, dup := out[d.Type]; !dup {
			out[d.Type] = d.Location.Href
		}
	}
	return out, nil
}

// advisory is one update of an updateinfo file.
type advisory struct {
	ID, Type string
	// Issued is the advisory's issued date, zero when absent or unreadable.
	Issued   time.Time
	Packages []advisoryPackage
}

// advisoryPackage is one package of an advisory's package list.
type advisoryPackage struct {
	Name, Arch string
	EVR        rpmdb.EVR
	// Modules are the module streams of the package's collection, empty
	// when it belongs to none; dnf counts it only when one is active.
	Modules []moduleRef
}

// xmlUpdate is the part of an <update> element the collector reads.
type xmlUpdate struct {
	Type   string `xml:"type,attr"`
	ID     string `xml:"id"`
	Issued struct {
		Date string `xml:"date,attr"`
	} `xml:"issued"`
	Collections []struct {
		Modules []struct {
			Name   string `xml:"name,attr"`
			Stream string `xml:"stream,attr"`
		} `xml:"module"`
		Packages []struct {
			Name    string `xml:"name,attr"`
			Epoch   string `xml:"epoch,attr"`
			Version string `xml:"version,attr"`
			Release string `xml:"release,attr"`
			Arch    string `xml:"arch,attr"`
		} `xml:"package"`
	} `xml:"pkglist>collection"`
}

// errTooMany is returned when an updateinfo exceeds a count limit.
var errTooMany = errors.New("too many entries")

// parseUpdateinfo reads an updateinfo document (<updates> of <update>
// elements, as createrepo_c writes and dnf reads it) and calls fn for
// each advisory with an id, each package with the module streams of its
// collection. Packages without a name, version or release,
// or with an epoch that is not a number, are left out. It stops at the
// first XML error, returning it with the advisories seen so far already
// passed to fn.
func parseUpdateinfo(ctx context.Context, r io.Reader, fn func(advisory)) error {
	d := xml.NewDecoder(r)
	n := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "update" {
			continue
		}
		if n++; n > maxAdvisories {
			return fmt.Errorf("%w: more than %d advisories", errTooMany, maxAdvisories)
		}
		if n%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var u xmlUpdate
		if err := d.DecodeElement(&u, &se); err != nil {
			return err
		}
		npkgs := 0
		for _, c := range u.Collections {
			npkgs += len(c.Packages)
		}
		if npkgs > maxAdvisoryPackages {
			return fmt.Errorf("%w: advisory %q lists more than %d packages", errTooMany, u.ID, maxAdvisoryPackages)
		}
		a := advisory{ID: strings.TrimSpace(u.ID), Type: strings.TrimSpace(u.Type), Issued: parseIssued(u.Issued.Date)}
		if a.ID == "" {
			continue
		}
		for _, c := range u.Collections {
			var mods []moduleRef
			for _, m := range c.Modules {
				mods = append(mods, moduleRef{Name: strings.TrimSpace(m.Name), Stream: strings.TrimSpace(m.Stream)})
			}
			for _, p := range c.Packages {
				e, err := rpmdb.ParseEpoch(strings.TrimSpace(p.Epoch))
				if err != nil || p.Name == "" || p.Version == "" || p.Release == "" {
					continue
				}
				a.Packages = append(a.Packages, advisoryPackage{Name: p.Name, Arch: p.Arch,
					EVR: rpmdb.EVR{Epoch: e, Version: p.Version, Release: p.Release}, Modules: mods})
			}
		}
		fn(a)
	}
}

// issuedLayouts are the date forms found in updateinfo files: Red Hat,
// Rocky, Alma and Fedora write "2006-01-02 15:04:05", some tools the
// date alone or RFC 3339; SUSE writes seconds since the epoch.
var issuedLayouts = []string{"2006-01-02 15:04:05", "2006-01-02", time.RFC3339, "2006-01-02T15:04:05"}

// parseIssued reads an issued date as UTC; zero when it is unreadable.
func parseIssued(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 || n > 1<<40 {
			return time.Time{}
		}
		return time.Unix(n, 0).UTC()
	}
	for _, l := range issuedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
