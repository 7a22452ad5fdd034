package packages

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// defaultLifecycleSource names the lifecycle data when runtime_eol is set
// without runtime_lifecycle.
const defaultLifecycleSource = "collector options (runtime_eol)"

// options are the collector's options (see the package documentation).
type options struct {
	// Source names the lifecycle data; "" when EOL is empty.
	Source string
	// EOL maps runtime name, then release cycle, to an end-of-life date
	// (YYYY-MM-DD).
	EOL map[string]map[string]string
}

// rawOptions is the JSON form of options.
type rawOptions struct {
	RuntimeLifecycle json.RawMessage                       `json:"runtime_lifecycle"`
	RuntimeEOL       map[string]map[string]json.RawMessage `json:"runtime_eol"`
}

// parseOptions decodes the options object. It never fails: invalid JSON
// or an invalid entry is a warning and is left out, so a typo cannot stop
// the collection.
func parseOptions(raw []byte) (options, []string) {
	var o options
	var warns sdk.Warnings
	warn := func(format string, args ...any) { warns.Add("options: "+format, args...) }
	var r rawOptions
	if _, err := sdk.DecodeOptions(raw, &r); err != nil {
		warn("%v; using the defaults (no end-of-life dates)", err)
		return o, warns
	}
	var source string
	if len(r.RuntimeLifecycle) > 0 && string(r.RuntimeLifecycle) != "null" {
		if err := json.Unmarshal(r.RuntimeLifecycle, &source); err != nil {
			warn("runtime_lifecycle: want a string; ignored")
			source = ""
		}
	}
	names := make([]string, 0, len(r.RuntimeEOL))
	for n := range r.RuntimeEOL {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		cycles := make([]string, 0, len(r.RuntimeEOL[n]))
		for c := range r.RuntimeEOL[n] {
			cycles = append(cycles, c)
		}
		slices.Sort(cycles)
		for _, c := range cycles {
			var d string
			if err := json.Unmarshal(r.RuntimeEOL[n][c], &d); err != nil {
				warn("runtime_eol[%q][%q]: want a YYYY-MM-DD string; skipped", n, c)
				continue
			}
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				warn("runtime_eol[%q][%q]: %q is not a YYYY-MM-DD date; skipped", n, c, d)
				continue
			}
			if o.EOL == nil {
				o.EOL = map[string]map[string]string{}
			}
			if o.EOL[n] == nil {
				o.EOL[n] = map[string]string{}
			}
			o.EOL[n][c] = d
		}
	}
	if len(o.EOL) > 0 {
		o.Source = source
		if o.Source == "" {
			o.Source = defaultLifecycleSource
		}
	} else if source != "" {
		warn("runtime_lifecycle %q given without runtime_eol dates; ignored", source)
	}
	return o, warns
}
