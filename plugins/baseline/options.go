package baseline

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// options are the collector's options; it has none yet, so any option
// given is reported (a misspelt or misplaced one would otherwise pass
// unnoticed).
type options struct{}

// parseOptions decodes the options object. Problems are warnings, never
// errors: the collector reads the host the same way whatever they say.
func parseOptions(raw json.RawMessage) (options, []string) {
	var o options
	if len(bytes.TrimSpace(raw)) == 0 {
		return o, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&o); err != nil {
		return o, []string{fmt.Sprintf("options: decode: %v; options ignored (the baseline collector takes none)", err)}
	}
	if d.More() {
		return o, []string{"options: trailing data after the options object; ignored"}
	}
	return o, nil
}
