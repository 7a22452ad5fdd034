package osinfo

import (
	"regexp"
	"slices"
	"strings"
)

// releaseFile is a distribution's own release file, read for the point
// release when os-release names that distribution (or one like it).
type releaseFile struct {
	path string
	// ids are the os-release IDs (or ID_LIKE entries) it applies to.
	ids []string
	// parse extracts a dotted numeric version, or "" when there is none.
	parse func([]byte) string
}

// releaseFiles are tried in order; the first that yields a version
// consistent with VERSION_ID wins.
var releaseFiles = []releaseFile{
	{"/etc/debian_version", []string{"debian"}, parseDebianVersion},
	{"/etc/alpine-release", []string{"alpine"}, parseAlpineRelease},
	{"/etc/redhat-release", []string{"rhel", "fedora", "centos"}, parseRedHatRelease},
}

// appliesTo reports whether the release file belongs to the distribution
// id or to one it is like.
func (rf releaseFile) appliesTo(id identity) bool {
	if slices.Contains(rf.ids, id.ID) {
		return true
	}
	for _, l := range id.IDLike {
		if slices.Contains(rf.ids, l) {
			return true
		}
	}
	return false
}

var numericVersionRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// parseDebianVersion returns the content of /etc/debian_version when it is
// a release number such as "12.7"; testing and unstable write a codename
// pair such as "trixie/sid", and derivatives often write their own words,
// which are not point releases.
func parseDebianVersion(b []byte) string {
	v := firstLine(b)
	if numericVersionRE.MatchString(v) {
		return v
	}
	return ""
}

// parseAlpineRelease returns the version in /etc/alpine-release ("3.20.3").
// Edge snapshots ("3.21_alpha20240807") are not point releases.
func parseAlpineRelease(b []byte) string {
	v := firstLine(b)
	if numericVersionRE.MatchString(v) {
		return v
	}
	return ""
}

var redHatReleaseRE = regexp.MustCompile(`\brelease ([0-9]+(?:\.[0-9]+)*)\b`)

// parseRedHatRelease returns the version in a line such as "Rocky Linux
// release 9.4 (Blue Onyx)" or "CentOS Linux release 7.9.2009 (Core)".
func parseRedHatRelease(b []byte) string {
	if m := redHatReleaseRE.FindStringSubmatch(firstLine(b)); m != nil {
		return m[1]
	}
	return ""
}

var leadingVersionRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*`)

// versionFromVersion returns the point release Ubuntu and others put at
// the start of VERSION ("22.04.4 LTS (Jammy Jellyfish)"), but only when it
// is more precise than VERSION_ID; otherwise "".
func versionFromVersion(id identity) string {
	v := leadingVersionRE.FindString(strings.TrimSpace(id.Version))
	if id.VersionID != "" && strings.HasPrefix(v, id.VersionID+".") {
		return v
	}
	return ""
}

// consistent reports whether point release v agrees with VERSION_ID:
// equal to it or extending it ("12" and "12.7"). Without a VERSION_ID any
// numeric release is accepted.
func consistent(v, versionID string) bool {
	if v == "" {
		return false
	}
	return versionID == "" || v == versionID || strings.HasPrefix(v, versionID+".")
}

// firstLine returns the first line of b without surrounding blanks.
func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
