package assess

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/internal/strictjson"
	"github.com/auditfleet/auditfleet/opa"
)

// ErrInvalid wraps every reason a report is refused as bad input.
var ErrInvalid = errors.New("invalid report")

// Report is a facts document decoded once: its fields for Go, and the same
// facts as the policies' input.
type Report struct {
	// Doc is the document; its facts stay raw JSON, as stored.
	Doc facts.Document
	// input is the policies' input built from Doc; Assess adds the host's
	// identity to a copy.
	input ast.Object
}

// Decode parses and validates a facts document as an agent sends it:
// exactly one JSON object within strictjson.Default (nesting and key
// counts bounded, no repeated key, valid UTF-8 only, checked before
// anything is decoded) of the current schema version, no unknown
// fields, a valid namespace name and an object for every facts
// namespace, and collector errors that name their collector and kind.
// Each byte is decoded once: the document's fields into Doc, each
// namespace's facts into the policies' input.
func Decode(body []byte) (*Report, error) {
	return DecodeChecked(body, nil)
}

// DecodeChecked is Decode with check, when not nil, called on each
// namespace's facts before they are turned into the policies' input: a
// server refuses a namespace it has no schema for, or facts that fail
// their schema, without building their input first. Errors of check are
// returned (joined, wrapped in ErrInvalid) as they are.
func DecodeChecked(body []byte, check func(namespace string, facts []byte) error) (*Report, error) {
	if err := strictjson.Check(body, strictjson.Default); err != nil {
		return nil, fmt.Errorf("%w: not a facts document: %w", ErrInvalid, err)
	}
	r := &Report{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r.Doc); err != nil {
		return nil, fmt.Errorf("%w: not a facts document: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the facts document", ErrInvalid)
	}
	doc := &r.Doc
	if doc.SchemaVersion != facts.SchemaVersion {
		return nil, fmt.Errorf("%w: schema_version %d is not supported (want %d)", ErrInvalid, doc.SchemaVersion, facts.SchemaVersion)
	}
	if doc.CollectedAt.IsZero() {
		return nil, fmt.Errorf("%w: collected_at is missing", ErrInvalid)
	}
	var errs []error
	factsObj := ast.NewObject()
	for _, ns := range sortedKeys(doc.Facts) {
		raw := bytes.TrimSpace(doc.Facts[ns])
		if !facts.ValidNamespace(ns) {
			errs = append(errs, fmt.Errorf("facts namespace %q is not valid", ns))
			continue
		}
		if len(raw) == 0 || raw[0] != '{' {
			errs = append(errs, fmt.Errorf("facts.%s must be an object", ns))
			continue
		}
		if check != nil {
			if err := check(ns, raw); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if len(errs) > 0 {
			continue // refused anyway: build no more input
		}
		v, err := opa.InputJSON(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("facts.%s: %v", ns, err))
			continue
		}
		factsObj.Insert(ast.StringTerm(ns), ast.NewTerm(v))
	}
	for i, ce := range doc.CollectorErrors {
		if ce.Collector == "" || ce.Kind == "" {
			errs = append(errs, fmt.Errorf("collector_errors[%d] needs collector and kind", i))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	rest, err := ast.InterfaceToValue(map[string]any{
		"schema_version":   doc.SchemaVersion,
		"report_id":        doc.ReportID,
		"collected_at":     doc.CollectedAt,
		"agent":            doc.Agent,
		"collectors":       orEmpty(doc.Collectors),
		"collector_errors": slices.Clip(orEmptyList(doc.CollectorErrors)),
	})
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	input, ok := rest.(ast.Object)
	if !ok {
		return nil, errors.New("policy input: not an object")
	}
	input.Insert(ast.StringTerm("facts"), ast.NewTerm(factsObj))
	r.input = input
	return r, nil
}

// Encode serialises doc and decodes it as the server would, so an offline
// scan assesses exactly what the server would receive.
func Encode(doc *facts.Document) (*Report, []byte, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("encode facts document: %w", err)
	}
	r, err := Decode(body)
	if err != nil {
		return nil, nil, err
	}
	return r, body, nil
}

// OSFact returns a string fact of the os namespace (e.g. "hostname",
// "pretty_name"), or "" when the report has none.
func (r *Report) OSFact(key string) string {
	if r.input == nil {
		return ""
	}
	t := r.input.Get(ast.StringTerm("facts"))
	if t == nil {
		return ""
	}
	osObj, ok := t.Value.(ast.Object)
	if !ok {
		return ""
	}
	ns := osObj.Get(ast.StringTerm("os"))
	if ns == nil {
		return ""
	}
	o, ok := ns.Value.(ast.Object)
	if !ok {
		return ""
	}
	v := o.Get(ast.StringTerm(key))
	if v == nil {
		return ""
	}
	s, _ := v.Value.(ast.String)
	return string(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func orEmpty[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

func orEmptyList[V any](l []V) []V {
	if l == nil {
		return []V{}
	}
	return l
}
