package collectortest

import (
	"fmt"
	"reflect"
	"testing"
)

// TestWalkDetectsDrift checks that the walk of MatchesSchema can fail: a
// Go type with a field the schema lacks, or missing one it requires, is
// reported.
func TestWalkDetectsDrift(t *testing.T) {
	schema := map[string]any{
		"type": "object", "additionalProperties": false,
		"required":   []any{"a", "b"},
		"properties": map[string]any{"a": map[string]any{"type": "string"}, "b": map[string]any{"type": "integer"}},
	}
	type extra struct {
		A string `json:"a"`
		B int    `json:"b"`
		C bool   `json:"c"`
	}
	type missing struct {
		A string `json:"a"`
	}
	type wrongKind struct {
		A string `json:"a"`
		B string `json:"b"`
	}
	type optional struct {
		A string `json:"a"`
		B int    `json:"b,omitempty"`
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[extra](), reflect.TypeFor[missing](), reflect.TypeFor[wrongKind](), reflect.TypeFor[optional]()} {
		rec := &recorder{}
		w := &walker{t: rec, root: schema}
		w.value("x", typ, schema)
		if len(rec.errs) == 0 {
			t.Errorf("walking %s against a schema it does not match reported nothing", typ)
		}
	}
}

type recorder struct{ errs []string }

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
