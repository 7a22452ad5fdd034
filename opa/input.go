package opa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/facts"
)

// Input converts a facts document into the policies' input value.
func Input(doc *facts.Document) (ast.Value, error) {
	if doc == nil {
		return nil, errors.New("policy input: no document")
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("policy input: encode facts document: %w", err)
	}
	return InputJSON(b)
}

// InputJSON converts a facts document serialised as JSON (as an agent
// sends it) into the policies' input value, without decoding it into a
// facts.Document first. The document must be a single JSON object.
func InputJSON(b []byte) (ast.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("policy input: decode JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("policy input: decode JSON: data after the top-level value")
	}
	if _, ok := x.(map[string]any); !ok {
		return nil, fmt.Errorf("policy input: want a JSON object, got %s", jsonType(x))
	}
	c := converter{strings: map[string]*ast.Term{}}
	return c.term(x).Value, nil
}

// converter turns decoded JSON into AST terms, like ast.InterfaceToValue
// but sharing one term per distinct string: terms are immutable during
// evaluation, and a facts document repeats its object keys and many
// values ("known", "set", ...) once per account.
type converter struct {
	strings map[string]*ast.Term
}

func (c *converter) term(x any) *ast.Term {
	switch x := x.(type) {
	case map[string]any:
		obj := ast.NewObjectWithCapacity(len(x))
		for k, v := range x {
			obj.Insert(c.str(k), c.term(v))
		}
		return ast.NewTerm(obj)
	case []any:
		terms := make([]*ast.Term, len(x))
		for i, e := range x {
			terms[i] = c.term(e)
		}
		return ast.ArrayTerm(terms...)
	case string:
		return c.str(x)
	case json.Number:
		return ast.NumberTerm(x)
	case bool:
		return ast.InternedTerm(x)
	}
	return ast.NullTerm()
}

func (c *converter) str(s string) *ast.Term {
	if t, ok := c.strings[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	c.strings[s] = t
	return t
}

func jsonType(x any) string {
	switch x.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}
