package osinfo

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// EntitlementUbuntuPro is recorded when Ubuntu Pro's ESM for the main
// archive (esm-infra) is enabled on the host.
const EntitlementUbuntuPro = "ubuntu-pro"

// esmInfraSources are the APT sources the Ubuntu Pro client writes when
// esm-infra is enabled: deb822 since Ubuntu 24.04, one-line before.
var esmInfraSources = []string{
	"/etc/apt/sources.list.d/ubuntu-esm-infra.sources",
	"/etc/apt/sources.list.d/ubuntu-esm-infra.list",
}

// aptSourceEnabled reports whether APT source file content has at least
// one active entry: a "deb" line in the one-line format, or a deb822
// stanza with URIs that is not "Enabled: no".
func aptSourceEnabled(b []byte, deb822 bool) bool {
	if !deb822 {
		for line := range strings.Lines(string(b)) {
			f := strings.Fields(line)
			if len(f) > 0 && (f[0] == "deb" || f[0] == "deb-src") {
				return true
			}
		}
		return false
	}
	// Stanzas are separated by blank lines.
	hasURIs, enabled := false, true
	flush := func() bool {
		ok := hasURIs && enabled
		hasURIs, enabled = false, true
		return ok
	}
	for line := range strings.Lines(string(b) + "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			if flush() {
				return true
			}
			continue
		}
		if strings.HasPrefix(t, "#") {
			continue
		}
		k, v, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "uris":
			hasURIs = strings.TrimSpace(v) != ""
		case "enabled":
			enabled = strings.ToLower(strings.TrimSpace(v)) != "no"
		}
	}
	return flush()
}

// Options are the collector's options from the agent configuration.
type Options struct {
	// Entitlements are paid extended-support subscriptions the
	// organisation declares for the host because they cannot be seen on
	// it, e.g. "rhel-els" or "windows-esu".
	Entitlements []string `json:"entitlements"`
}

var entitlementRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// parseOptions decodes the collector's options. Unknown fields are
// errors, so a misspelt option is reported instead of silently ignored.
func parseOptions(raw []byte) (Options, error) {
	var o Options
	if _, err := sdk.DecodeOptions(raw, &o); err != nil {
		return Options{}, fmt.Errorf("options: %w", err)
	}
	for _, e := range o.Entitlements {
		if !entitlementRE.MatchString(e) {
			return Options{}, fmt.Errorf("options: entitlement %q must be lower-case letters, digits, '.', '_' or '-'", e)
		}
	}
	return o, nil
}

// mergeEntitlements returns the sorted union of found and declared
// entitlements, never nil.
func mergeEntitlements(lists ...[]string) []string {
	out := []string{}
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
