package lifecycle

import "strings"

// VersionPrefix returns the first n dot-separated components of an
// os-release VERSION_ID, padding missing components with "0". The Rego
// library (auditfleet.lib) mirrors it.
func VersionPrefix(versionID string, n int) string {
	parts := strings.Split(versionID, ".")
	for len(parts) < n {
		parts = append(parts, "0")
	}
	return strings.Join(parts[:n], ".")
}

// Cycle returns the release cycle of p that VERSION_ID versionID belongs
// to, trying each of p.Match.VersionComponents in turn.
func (p Product) Cycle(versionID string) (string, bool) {
	if p.Match == nil || versionID == "" {
		return "", false
	}
	for _, n := range p.Match.VersionComponents {
		c := VersionPrefix(versionID, n)
		if _, ok := p.Releases[c]; ok {
			return c, true
		}
	}
	return "", false
}

// Matches reports whether os-release NAME name satisfies p's name rule.
// The ID is matched through Document.OSReleaseIDs.
func (p Product) Matches(name string) bool {
	return p.Match != nil && strings.Contains(strings.ToLower(name), p.Match.NameContains)
}

// Lookup returns the product key and release cycle for os-release fields
// ID, NAME and VERSION_ID, as the ICO-SEC-01 policy resolves them.
func (d *Document) Lookup(id, name, versionID string) (product, cycle string, ok bool) {
	for _, key := range d.OSReleaseIDs[id] {
		p := d.Products[key]
		if !p.Matches(name) {
			continue
		}
		if c, ok := p.Cycle(versionID); ok {
			return key, c, true
		}
	}
	return "", "", false
}
