package sdk

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeOptions(t *testing.T) {
	type opts struct {
		A int `json:"a"`
	}
	tests := []struct {
		name    string
		raw     string
		want    opts
		set     bool
		wantErr string
	}{
		{"empty", "", opts{A: 7}, false, ""},
		{"blank", " \n", opts{A: 7}, false, ""},
		{"value", `{"a": 1}`, opts{A: 1}, true, ""},
		{"unknown field", `{"b": 1}`, opts{A: 7}, true, `decode: json: unknown field "b"`},
		{"trailing data", `{"a": 1} {}`, opts{A: 1}, true, "decode: trailing data after the options object"},
		{"wrong type", `{"a": "x"}`, opts{A: 7}, true, "decode: json: cannot unmarshal"},
	}
	for _, tt := range tests {
		got := opts{A: 7}
		set, err := DecodeOptions(json.RawMessage(tt.raw), &got)
		if set != tt.set || (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: DecodeOptions(%q) = %v, %v; want %v, error %q", tt.name, tt.raw, set, err, tt.set, tt.wantErr)
		}
		if got != tt.want {
			t.Errorf("%s: DecodeOptions(%q) decoded %+v, want %+v", tt.name, tt.raw, got, tt.want)
		}
	}
}
