package opa

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
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

// FuzzInputJSON checks the direct parser against encoding/json: whatever
// it accepts, encoding/json accepts as an object with the same value, and
// whatever encoding/json accepts, InputJSON converts to that value.
func FuzzInputJSON(f *testing.F) {
	host, err := json.Marshal(realisticHost(f))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(host), `{}`, ` {"a": [1, -0, 2.5e-3, 1E+2, true, false, null, "x\u00e9\n"], "b": {"c": {}}} `,
		`{"a": 1,}`, `{"a" 1}`, `[1]`, `{"a": 01}`, `{"a": 1.}`, `{"a": "\x"}`, "{\"a\": \"\x01\"}", `{"a": nul}`,
		"{\"\xff\": \"\xc3\"}", `{"a": "\ud800"}`, `{"a": [[[[]]]]}`, `{"a": 1} x`, `{"a": -}`, `{"a": 1e}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var x any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		decErr := dec.Decode(&x)
		_, trailing := dec.Token()
		_, isObj := x.(map[string]any)
		ok := decErr == nil && errors.Is(trailing, io.EOF) && isObj
		fast := parseJSONObject(b)
		if fast != nil && !ok {
			t.Fatalf("parseJSONObject(%q) accepted what encoding/json refuses", b)
		}
		got, err := InputJSON(b)
		if ok != (err == nil) {
			t.Fatalf("InputJSON(%q) error = %v, encoding/json accepts: %v", b, err, ok)
		}
		if !ok {
			return
		}
		want, err := ast.InterfaceToValue(x)
		if err != nil {
			t.Fatal(err)
		}
		if got.Compare(want) != 0 || (fast != nil && fast.Compare(want) != 0) {
			t.Fatalf("InputJSON(%q) = %v, want %v", b, got, want)
		}
	})
}
