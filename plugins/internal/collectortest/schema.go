package collectortest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/schemas"
)

// MatchesSchema keeps a collector's Facts type and its namespace's schema
// (schemas/<namespace>.schema.json) from drifting apart. Walking the two
// together, it checks that every struct's JSON fields are exactly the
// schema object's properties, that the fields without omitempty are
// exactly the required ones, that pointers without omitempty may be
// null, and that every Go kind has the schema type it marshals to. Along
// the way it builds a value of F with every field, pointer, slice and map
// populated (strings and numbers taken from the schema's enum, examples
// or format), marshals it and validates the result. Last, it decodes
// every good example of the namespace (schemas/testdata/<namespace>/
// good-*.json) into F with unknown fields refused: the examples are what
// the Go type produces and reads.
func MatchesSchema[F any](t testing.TB, namespace string) {
	t.Helper()
	typ := reflect.TypeFor[F]()
	src, err := schemas.Source(namespace)
	if err != nil {
		t.Fatalf("%v (a collector's namespace needs its schema, schemas/%s.schema.json)", err, namespace)
	}
	var root map[string]any
	if err := json.Unmarshal(src, &root); err != nil {
		t.Fatal(err)
	}
	w := &walker{t: t, root: root}
	v := w.value(namespace, typ, root)
	b, err := json.Marshal(v.Interface())
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(namespace, b); err != nil {
		t.Errorf("Validate(%s, fully populated %s) = %v, want nil\n%s", namespace, typ, err, b)
	}
	examples, err := filepath.Glob(filepath.Join(RepoRoot(t), "schemas", "testdata", namespace, "good-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(reflect.New(typ).Interface()); err != nil {
			t.Errorf("decode %s into %s: %v", f, typ, err)
		}
	}
}

// RepoRoot returns the root of the repository the test runs in: the
// nearest directory above the working directory with a go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// reporter is the part of testing.T the walker uses.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

type walker struct {
	t    reporter
	root map[string]any
}

var timeType = reflect.TypeFor[time.Time]()

// value returns a populated value of Go type typ described by schema s,
// reporting every disagreement between the two at path.
func (w *walker) value(path string, typ reflect.Type, s map[string]any) reflect.Value {
	w.t.Helper()
	s = w.resolve(s)
	v := reflect.New(typ).Elem()
	switch {
	case typ == timeType:
		w.wantType(path, s, "string")
		if f, _ := s["format"].(string); f != "date-time" {
			w.t.Errorf("%s: Go time.Time, schema format %q, want date-time", path, f)
		}
		tm := time.Date(2026, 8, 31, 12, 0, 0, 0, time.UTC)
		if ex, ok := example(s).(string); ok {
			parsed, err := time.Parse(time.RFC3339, ex)
			if err != nil {
				w.t.Errorf("%s: example %q is not RFC 3339: %v", path, ex, err)
			} else {
				tm = parsed
			}
		}
		v.Set(reflect.ValueOf(tm))
	case typ.Kind() == reflect.Pointer:
		v.Set(reflect.New(typ.Elem()))
		v.Elem().Set(w.value(path, typ.Elem(), s))
	case typ.Kind() == reflect.Struct:
		w.wantType(path, s, "object")
		w.structValue(path, v, s)
	case typ.Kind() == reflect.Map:
		// A map is either free-form (additionalProperties is the value
		// schema) or has a fixed set of optional keys (properties, with
		// additionalProperties false): fill every key then.
		w.wantType(path, s, "object")
		v.Set(reflect.MakeMap(typ))
		if props := mapAt(s, "properties"); len(props) > 0 {
			if s["additionalProperties"] != false || len(sliceAt(s, "required")) > 0 {
				w.t.Errorf("%s: Go map with fixed keys: want additionalProperties false and no required keys", path)
			}
			for _, k := range slices.Sorted(mapsKeys(props)) {
				v.SetMapIndex(reflect.ValueOf(k), w.value(path+"/"+k, typ.Elem(), props[k].(map[string]any)))
			}
			return v
		}
		items, _ := s["additionalProperties"].(map[string]any)
		if items == nil {
			w.t.Errorf("%s: Go map, schema has neither properties nor an additionalProperties schema", path)
			return v
		}
		v.SetMapIndex(reflect.ValueOf("key"), w.value(path+"/key", typ.Elem(), items))
	case typ.Kind() == reflect.Slice:
		w.wantType(path, s, "array")
		items, _ := s["items"].(map[string]any)
		if items == nil {
			w.t.Errorf("%s: Go slice, schema has no items schema", path)
			return v
		}
		v.Set(reflect.Append(reflect.MakeSlice(typ, 0, 1), w.value(path+"/0", typ.Elem(), items)))
	case typ.Kind() == reflect.String:
		w.wantType(path, s, "string")
		v.SetString(stringFor(s))
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Int64:
		w.wantType(path, s, "integer")
		n := int64(1)
		if m, ok := s["minimum"].(float64); ok {
			n = int64(m)
		}
		if ex, ok := example(s).(float64); ok {
			n = int64(ex)
		}
		v.SetInt(n)
	case typ.Kind() == reflect.Bool:
		w.wantType(path, s, "boolean")
		v.SetBool(true)
	default:
		w.t.Errorf("%s: Go kind %s has no schema mapping in this test", path, typ.Kind())
	}
	return v
}

// structValue fills struct v field by field and compares its JSON fields
// with the schema's properties and required list.
func (w *walker) structValue(path string, v reflect.Value, s map[string]any) {
	w.t.Helper()
	if s["additionalProperties"] != false {
		w.t.Errorf("%s: schema object allows additional properties, want additionalProperties: false", path)
	}
	props := mapAt(s, "properties")
	var required []string
	for _, r := range sliceAt(s, "required") {
		required = append(required, r.(string))
	}
	var fields, mandatory []string
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitempty := strings.Contains(opts, "omitempty")
		fields = append(fields, name)
		if !omitempty {
			mandatory = append(mandatory, name)
		}
		ps, ok := props[name].(map[string]any)
		if !ok {
			w.t.Errorf("%s: Go field %s (json %q) is not in the schema's properties", path, f.Name, name)
			continue
		}
		if f.Type.Kind() == reflect.Pointer && !omitempty && !slices.Contains(types(w.resolve(ps)), "null") {
			w.t.Errorf("%s/%s: Go pointer without omitempty marshals null, but the schema does not allow null", path, name)
		}
		v.Field(i).Set(w.value(path+"/"+name, f.Type, ps))
	}
	for name := range props {
		if !slices.Contains(fields, name) {
			w.t.Errorf("%s: schema property %q has no Go field", path, name)
		}
	}
	slices.Sort(mandatory)
	slices.Sort(required)
	if !slices.Equal(mandatory, required) {
		w.t.Errorf("%s: Go fields without omitempty %v, schema required %v: want the same", path, mandatory, required)
	}
}

func (w *walker) wantType(path string, s map[string]any, want string) {
	w.t.Helper()
	if !slices.Contains(types(s), want) {
		w.t.Errorf("%s: schema type %v, want %s for the Go type", path, types(s), want)
	}
}

// resolve follows local "#/$defs/<name>" references.
func (w *walker) resolve(s map[string]any) map[string]any {
	for range 10 {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		def, ok := mapAt(w.root, "$defs")[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if !ok {
			w.t.Errorf("unresolvable $ref %q", ref)
			return map[string]any{}
		}
		s = def
	}
	return s
}

// stringFor picks a string the schema accepts: a non-empty enum value, an
// example, a value of its format, else "x".
func stringFor(s map[string]any) string {
	for _, e := range sliceAt(s, "enum") {
		if str, _ := e.(string); str != "" {
			return str
		}
	}
	if ex, ok := example(s).(string); ok {
		return ex
	}
	switch s["format"] {
	case "date":
		return "2026-09-01"
	case "date-time":
		return "2026-08-31T12:00:00Z"
	}
	return "x"
}

func example(s map[string]any) any {
	if ex := sliceAt(s, "examples"); len(ex) > 0 {
		return ex[0]
	}
	return nil
}

func types(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func mapAt(s map[string]any, key string) map[string]any {
	m, _ := s[key].(map[string]any)
	return m
}

func sliceAt(s map[string]any, key string) []any {
	l, _ := s[key].([]any)
	return l
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
