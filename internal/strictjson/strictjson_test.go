package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	deepObj := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	wide := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"k%d":0`, i)
		}
		b.WriteString("}")
		return b.String()
	}
	small := Limits{MaxDepth: 4, MaxObjectKeys: 3, MaxKeys: 5}
	tests := []struct {
		name, in string
		lim      Limits
		want     string // "" means accepted; else a part of the reason
	}{
		{"object", `{"a": [1, -2.5e+3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {}}`, Default, ""},
		{"scalar", ` "s" `, Default, ""},
		{"empty array", `[]`, Default, ""},
		{"keys differing only in escapes are the same key", `{"a":1,"\u0061":2}`, Default, `object key "a" repeated`},
		{"duplicate key", `{"os":{"id":"debian","id":"ubuntu"}}`, Default, `object key "id" repeated`},
		{"same key in sibling objects", `[{"a":1},{"a":2}]`, Default, ""},
		{"invalid UTF-8 in a string", "{\"a\":\"\xff\"}", Default, "invalid UTF-8"},
		{"invalid UTF-8 in a key", "{\"\xc3\x28\":1}", Default, "invalid UTF-8"},
		{"overlong UTF-8", "\"\xc0\xaf\"", Default, "invalid UTF-8"},
		{"UTF-8 encoded surrogate", "\"\xed\xa0\x80\"", Default, "invalid UTF-8"},
		{"unpaired high surrogate", `"\ud800"`, Default, "unpaired surrogate"},
		{"unpaired low surrogate", `"\udc00x"`, Default, "unpaired surrogate"},
		{"reversed surrogates", `"\udc00\ud800"`, Default, "unpaired surrogate"},
		{"bad escape", `"\x"`, Default, "invalid escape"},
		{"short \\u", `"\u12"`, Default, `invalid \u escape`},
		{"control character", "\"a\tb\"", Default, "control character"},
		{"depth at the limit", deep(4), small, ""},
		{"too deep array", deep(5), small, "nested more than 4 levels"},
		{"too deep object", deepObj(5), small, "nested more than 4 levels"},
		{"9000 levels", deep(9000), Default, "nested more than 64 levels"},
		{"keys at the limit", `{"a":1,"b":2,"c":3}`, small, ""},
		{"too many keys in an object", `{"a":1,"b":2,"c":3,"d":4}`, small, "more than 3 keys"},
		{"too many keys in all", `[{"a":1,"b":2,"c":3},{"a":1,"b":2,"c":3}]`, small, "more than 5 object keys in all"},
		{"10,001 keys", wide(10_001), Default, "more than 10000 keys"},
		{"no limits", deep(200), Limits{}, ""},
		{"trailing data", `{} {}`, Default, "trailing data after the JSON value"},
		{"empty", "  ", Default, "no JSON value"},
		{"truncated", `{"a":`, Default, "unexpected end"},
		{"trailing comma", `[1,]`, Default, "unexpected"},
		{"leading zero", `01`, Default, "data after"},
		{"bare minus", `-`, Default, "invalid number"},
		{"no fraction", `1.`, Default, "no digits after"},
		{"no exponent", `1e`, Default, "exponent"},
		{"single quotes", `{'a':1}`, Default, "want an object key"},
		{"bad literal", `tru`, Default, "unexpected"},
		{"missing colon", `{"a" 1}`, Default, "want ':'"},
		{"unterminated", `"abc`, Default, "unterminated string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.in), tt.lim)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Check = %v, want a *SyntaxError wrapping ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want it to say %q", err, tt.want)
			}
			if se.Offset < 0 || se.Offset > len(tt.in) {
				t.Errorf("offset %d outside the text of %d bytes", se.Offset, len(tt.in))
			}
		})
	}
}

// FuzzCheck holds Check to being stricter than encoding/json, never
// looser: what it accepts is valid JSON and valid UTF-8, decodes to the
// same value encoding/json sees, and is accepted again once re-encoded.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\ud83d\ude00"`, `{"a":1,"a":2}`, "\"\xff\"", `[[[[[[]]]]]]`, `-0.5E-7`, `{"\u0061":1,"a":2}`} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxDepth: 8, MaxObjectKeys: 16, MaxKeys: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		if Check(data, lim) != nil {
			return
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			t.Fatalf("Check accepted %q, which encoding/json refuses or is not UTF-8", data)
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // numbers keep their text, as the server keeps them
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("Check accepted %q: %v", data, err)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(again, lim); err != nil {
			t.Fatalf("Check accepted %q but not its re-encoding %q: %v", data, again, err)
		}
	})
}
