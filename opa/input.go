package opa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

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
	// The common case, a valid document, is parsed straight into AST terms
	// (jsonParser); anything it does not accept goes through encoding/json,
	// which converts what jsonParser is too strict for and gives the error
	// for the rest.
	if v := parseJSONObject(b); v != nil {
		return v, nil
	}
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
	c := converter{strings: map[string]*ast.Term{}, numbers: map[string]*ast.Term{}}
	return c.term(x).Value, nil
}

// maxJSONDepth is encoding/json's limit on nesting; jsonParser leaves
// deeper documents to it.
const maxJSONDepth = 10000

// parseJSONObject parses b, a JSON object, into an AST object with
// jsonParser; nil when b is not one (or jsonParser cannot tell).
func parseJSONObject(b []byte) ast.Value {
	p := jsonParser{data: b, converter: converter{strings: map[string]*ast.Term{}, numbers: map[string]*ast.Term{}}}
	p.skipSpace()
	if p.pos >= len(b) || b[p.pos] != '{' {
		return nil
	}
	t := p.value(0)
	p.skipSpace()
	if p.bad || p.pos != len(b) {
		return nil
	}
	return t.Value
}

// jsonParser turns JSON into AST terms in one pass, with encoding/json's
// semantics: numbers keep their text (as with UseNumber), a repeated
// object key keeps its last value, and strings with escapes or non-ASCII
// bytes are unquoted by encoding/json itself (so invalid UTF-8 becomes
// U+FFFD as there). It checks the syntax as strictly as encoding/json;
// on any error it sets bad and the result is to be discarded.
type jsonParser struct {
	data []byte
	pos  int
	bad  bool
	// stack holds the elements of the arrays and objects being parsed,
	// reused across them.
	stack []*ast.Term
	converter
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

// fail marks the document bad and returns a placeholder term.
func (p *jsonParser) fail() *ast.Term {
	p.bad = true
	p.pos = len(p.data)
	return ast.NullTerm()
}

// next skips white space and returns the next byte, 0 at the end.
func (p *jsonParser) next() byte {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return 0
	}
	return p.data[p.pos]
}

// value parses the value at p.pos (after any white space), nested depth
// arrays and objects deep.
func (p *jsonParser) value(depth int) *ast.Term {
	switch c := p.next(); c {
	case '{':
		return p.object(depth + 1)
	case '[':
		return p.array(depth + 1)
	case '"':
		return p.string()
	case 't':
		return p.literal("true", ast.InternedTerm(true))
	case 'f':
		return p.literal("false", ast.InternedTerm(false))
	case 'n':
		return p.literal("null", nil)
	default:
		return p.number()
	}
}

func (p *jsonParser) object(depth int) *ast.Term {
	if depth > maxJSONDepth {
		return p.fail()
	}
	p.pos++ // '{'
	base := len(p.stack)
	if p.next() == '}' {
		p.pos++
	} else {
		for !p.bad {
			if p.next() != '"' {
				return p.fail()
			}
			k := p.string()
			if p.next() != ':' {
				return p.fail()
			}
			p.pos++
			p.stack = append(p.stack, k, p.value(depth))
			c := p.next()
			p.pos++
			if c == '}' {
				break
			}
			if c != ',' {
				return p.fail()
			}
		}
	}
	elems := p.stack[base:]
	obj := ast.NewObjectWithCapacity(len(elems) / 2)
	for i := 0; i+1 < len(elems); i += 2 {
		obj.Insert(elems[i], elems[i+1])
	}
	clear(elems)
	p.stack = p.stack[:base]
	return ast.NewTerm(obj)
}

func (p *jsonParser) array(depth int) *ast.Term {
	if depth > maxJSONDepth {
		return p.fail()
	}
	p.pos++ // '['
	base := len(p.stack)
	if p.next() == ']' {
		p.pos++
	} else {
		for !p.bad {
			p.stack = append(p.stack, p.value(depth))
			c := p.next()
			p.pos++
			if c == ']' {
				break
			}
			if c != ',' {
				return p.fail()
			}
		}
	}
	elems := p.stack[base:]
	terms := make([]*ast.Term, len(elems))
	copy(terms, elems)
	clear(elems)
	p.stack = p.stack[:base]
	return ast.ArrayTerm(terms...)
}

// literal parses true, false or null (t nil).
func (p *jsonParser) literal(word string, t *ast.Term) *ast.Term {
	if !bytes.HasPrefix(p.data[p.pos:], []byte(word)) {
		return p.fail()
	}
	p.pos += len(word)
	if t == nil {
		return ast.InternedNullTerm
	}
	return t
}

// string parses the string at p.pos, which is its opening quote.
func (p *jsonParser) string() *ast.Term {
	start := p.pos
	p.pos++
	plain := true // no escapes, all ASCII
	for {
		if p.pos >= len(p.data) {
			return p.fail()
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			if plain {
				return p.str(p.data[start+1 : p.pos-1])
			}
			// encoding/json checks the escapes and unquotes.
			var s string
			if err := json.Unmarshal(p.data[start:p.pos], &s); err != nil {
				return p.fail()
			}
			return p.str([]byte(s))
		case c < 0x20:
			return p.fail()
		case c == '\\':
			plain = false
			p.pos++ // the escaped character: never the closing quote
		case c >= utf8.RuneSelf:
			plain = false
		}
		p.pos++
	}
}

// number parses the number at p.pos: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() *ast.Term {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	switch c := p.peek(); {
	case c == '0':
		p.pos++
	case '1' <= c && c <= '9':
		p.digits()
	default:
		return p.fail()
	}
	if p.peek() == '.' {
		p.pos++
		if p.digits() == 0 {
			return p.fail()
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if p.digits() == 0 {
			return p.fail()
		}
	}
	b := p.data[start:p.pos]
	if t, ok := p.numbers[string(b)]; ok {
		return t
	}
	s := string(b)
	t := ast.NumberTerm(json.Number(s))
	p.numbers[s] = t
	return t
}

// peek returns the byte at p.pos, 0 at the end.
func (p *jsonParser) peek() byte {
	if p.pos >= len(p.data) {
		return 0
	}
	return p.data[p.pos]
}

// digits skips decimal digits and returns how many.
func (p *jsonParser) digits() int {
	start := p.pos
	for p.pos < len(p.data) && '0' <= p.data[p.pos] && p.data[p.pos] <= '9' {
		p.pos++
	}
	return p.pos - start
}

// converter turns decoded JSON into AST terms, like ast.InterfaceToValue
// but sharing one term per distinct string: terms are immutable during
// evaluation, and a facts document repeats its object keys and many
// values ("known", "set", ...) once per account.
type converter struct {
	strings map[string]*ast.Term
	numbers map[string]*ast.Term
}

func (c *converter) term(x any) *ast.Term {
	switch x := x.(type) {
	case map[string]any:
		obj := ast.NewObjectWithCapacity(len(x))
		for k, v := range x {
			obj.Insert(c.str([]byte(k)), c.term(v))
		}
		return ast.NewTerm(obj)
	case []any:
		terms := make([]*ast.Term, len(x))
		for i, e := range x {
			terms[i] = c.term(e)
		}
		return ast.ArrayTerm(terms...)
	case string:
		return c.str([]byte(x))
	case json.Number:
		return ast.NumberTerm(x)
	case bool:
		return ast.InternedTerm(x)
	}
	return ast.NullTerm()
}

func (c *converter) str(b []byte) *ast.Term {
	if t, ok := c.strings[string(b)]; ok {
		return t
	}
	s := string(b)
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
