package patching

import (
	"encoding/json"
	"path"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// maxPatterns caps security_lists.
const maxPatterns = 100

// options are the collector's options (see the package documentation).
type options struct {
	// SecurityLists are extra path.Match patterns; a Packages list whose
	// file name matches one is a security list.
	SecurityLists []string
}

// rawOptions is the JSON form of options.
type rawOptions struct {
	SecurityLists []json.RawMessage `json:"security_lists"`
}

// parseOptions decodes the options object. It never fails: invalid JSON
// or an invalid pattern is a warning and is left out, so a typo cannot
// stop the collection.
func parseOptions(raw []byte) (options, []string) {
	var o options
	var warns sdk.Warnings
	warn := func(format string, args ...any) { warns.Add("options: "+format, args...) }
	var r rawOptions
	if _, err := sdk.DecodeOptions(raw, &r); err != nil {
		warn("%v; using the defaults", err)
		return o, warns
	}
	for i, m := range r.SecurityLists {
		var p string
		if err := json.Unmarshal(m, &p); err != nil {
			warn("security_lists[%d]: want a string pattern; skipped", i)
			continue
		}
		if _, err := path.Match(p, ""); err != nil || p == "" {
			warn("security_lists[%d]: %q is not a valid pattern; skipped", i, p)
			continue
		}
		if len(o.SecurityLists) == maxPatterns {
			warn("more than %d security_lists patterns; the rest are ignored", maxPatterns)
			break
		}
		o.SecurityLists = append(o.SecurityLists, p)
	}
	return o, warns
}
