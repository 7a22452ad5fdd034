package baseline

import (
	"encoding/json"
	"fmt"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// options are the collector's options; it has none yet, so any option
// given is reported (a misspelt or misplaced one would otherwise pass
// unnoticed).
type options struct{}

// parseOptions decodes the options object. Problems are warnings, never
// errors: the collector reads the host the same way whatever they say.
func parseOptions(raw json.RawMessage) (options, []string) {
	var o options
	if _, err := sdk.DecodeOptions(raw, &o); err != nil {
		return options{}, []string{fmt.Sprintf("options: %v; options ignored (the baseline collector takes none)", err)}
	}
	return o, nil
}
