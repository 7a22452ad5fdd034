package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// DecodeOptions decodes a collector's options object into v strictly:
// unknown fields (a misspelt option) and trailing data are errors, not
// silently ignored. Empty or blank options leave v as it is and return
// false; otherwise it returns true. Errors start with "decode: ", so a
// collector can report "options: <err>; options ignored".
func DecodeOptions(raw json.RawMessage, v any) (bool, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return false, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return true, fmt.Errorf("decode: %w", err)
	}
	if d.More() {
		return true, errors.New("decode: trailing data after the options object")
	}
	return true, nil
}
