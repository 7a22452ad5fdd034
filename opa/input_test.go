package opa

import (
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
)

// TestInputJSONMatchesOPA checks the conversion against OPA's own JSON to
// AST conversion.
func TestInputJSONMatchesOPA(t *testing.T) {
	host, err := json.Marshal(realisticHost(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []string{
		string(host),
		`{"a": 1, "a": 2}`,
		`{"n": [0, -1, 1.5, 1e300, 12345678901234567890123, -0.0, 2E-3], "s": "caf\u00e9 \"q\" \\ \n \ud83d\ude00", "b": [true, false, null], "o": {}, "e": []}`,
		`{"k\u00e9y": {"nested": {"deep": [[[]]]}}}`,
		"{\"s\": \"a\xffb\xc3\", \"\xfe\": 1}",
	}
	for _, in := range tests {
		got, err := InputJSON([]byte(in))
		if err != nil {
			t.Fatalf("InputJSON(%.60q) error: %v", in, err)
		}
		var x any
		if err := util.UnmarshalJSON([]byte(in), &x); err != nil {
			t.Fatal(err)
		}
		want, err := ast.InterfaceToValue(x)
		if err != nil {
			t.Fatal(err)
		}
		if got.Compare(want) != 0 {
			t.Errorf("InputJSON(%.60q) = %v, want %v", in, got, want)
		}
	}
}

func TestInputJSONRejects(t *testing.T) {
	for _, in := range []string{`{"n": NaN}`, `{"n": 1..2}`, `{"s": "\q"}`, `{"n": Infinity}`, `{"a": 1} x`, `{"a": 1}]`} {
		if _, err := InputJSON([]byte(in)); err == nil {
			t.Errorf("InputJSON(%q) succeeded, want an error", in)
		}
	}
}
