package schemas_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/schemas"
)

// TestEveryCollectorHasASchema checks that the schemas are exactly those
// of the collectors: a plugins/<name> folder with a cmd/main.go (found as
// the Makefile and internal/testbin find them) writes namespace <name>,
// whose schema is <name>.schema.json here. It also checks that each
// collector's tests call collectortest.Contract, which compares its
// Facts type with the schema: so adding a collector is its folder plus
// its schema, and no line here.
func TestEveryCollectorHasASchema(t *testing.T) {
	mains, err := filepath.Glob(filepath.Join("..", "plugins", "*", "cmd", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	var collectors []string
	for _, m := range mains {
		dir := filepath.Dir(filepath.Dir(m))
		name := filepath.Base(dir)
		collectors = append(collectors, name)
		tests, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range tests {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			found = found || bytes.Contains(b, []byte("collectortest.Contract[Facts]("))
		}
		if !found {
			t.Errorf("plugins/%s: no test calls collectortest.Contract[Facts], which checks its Facts type against %s.schema.json", name, name)
		}
	}
	slices.Sort(collectors)
	if len(collectors) == 0 {
		t.Fatal("no collectors found under ../plugins")
	}
	for _, ns := range schemas.Namespaces() {
		if !slices.Contains(collectors, ns) {
			t.Errorf("schema %s.schema.json has no collector plugins/%s/cmd/main.go", ns, ns)
		}
	}
	for _, c := range collectors {
		if !slices.Contains(schemas.Namespaces(), c) {
			t.Errorf("collector plugins/%s has no schema %s.schema.json", c, c)
		}
	}
}

// TestSchemasWellFormed checks every schema's header, and that it compiles
// (Validate compiles them all, against the draft 2020-12 metaschema, on
// first use).
func TestSchemasWellFormed(t *testing.T) {
	for _, ns := range schemas.Namespaces() {
		t.Run(ns, func(t *testing.T) {
			src, err := schemas.Source(ns)
			if err != nil {
				t.Fatalf("Source(%s) error: %v", ns, err)
			}
			var doc map[string]any
			if err := json.Unmarshal(src, &doc); err != nil {
				t.Fatalf("%s.schema.json is not JSON: %v", ns, err)
			}
			checks := map[string]any{
				"$schema":              "https://json-schema.org/draft/2020-12/schema",
				"$id":                  "https://github.com/auditfleet/auditfleet/schemas/" + ns + ".schema.json",
				"type":                 "object",
				"additionalProperties": false,
			}
			for key, want := range checks {
				if doc[key] != want {
					t.Errorf("%s.schema.json %s = %v, want %v", ns, key, doc[key], want)
				}
			}
			for _, key := range []string{"title", "description"} {
				if s, _ := doc[key].(string); s == "" {
					t.Errorf("%s.schema.json has no %s", ns, key)
				}
			}
			// Any error but a validation error means the schema itself failed.
			if err := schemas.Validate(ns, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), ns+" facts: /: missing propert") {
				t.Errorf("Validate(%s, {}) = %v, want missing properties", ns, err)
			}
		})
	}
}

func TestValidateUnknownNamespace(t *testing.T) {
	for _, ns := range []string{"", "nope", "../schemas/os", "OS"} {
		err := schemas.Validate(ns, []byte(`{}`))
		if !errors.Is(err, schemas.ErrUnknownNamespace) {
			t.Errorf("Validate(%q) = %v, want ErrUnknownNamespace", ns, err)
		}
		if _, err := schemas.Source(ns); !errors.Is(err, schemas.ErrUnknownNamespace) {
			t.Errorf("Source(%q) error = %v, want ErrUnknownNamespace", ns, err)
		}
	}
}

func TestValidateNotJSON(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`{`, "os facts: not JSON"},
		{`{} {}`, "os facts: not JSON"},
		{``, "os facts: not JSON"},
		{`[]`, "os facts: /: got array, want object"},
		{`null`, "os facts: /: got null, want object"},
	}
	for _, tt := range tests {
		err := schemas.Validate("os", []byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(os, %q) = %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}

// badCase is a testdata/<namespace>/bad-*.json file.
type badCase struct {
	// WantError is text the error must contain: the JSON pointer and why.
	WantError string          `json:"want_error"`
	Facts     json.RawMessage `json:"facts"`
}

// TestExamples validates testdata/<namespace>/good-*.json (realistic facts
// that must conform) and bad-*.json (facts that must not, with the error
// naming what was wrong).
func TestExamples(t *testing.T) {
	for _, ns := range schemas.Namespaces() {
		good, _ := filepath.Glob(filepath.Join("testdata", ns, "good-*.json"))
		bad, _ := filepath.Glob(filepath.Join("testdata", ns, "bad-*.json"))
		if len(good) == 0 || len(bad) < 3 {
			t.Errorf("testdata/%s has %d good and %d bad examples, want at least 1 and 3", ns, len(good), len(bad))
		}
		for _, f := range good {
			t.Run(filepath.Base(f), func(t *testing.T) {
				if err := schemas.Validate(ns, readFile(t, f)); err != nil {
					t.Errorf("Validate(%s, %s) = %v, want nil", ns, f, err)
				}
			})
		}
		for _, f := range bad {
			t.Run(filepath.Base(f), func(t *testing.T) {
				var c badCase
				dec := json.NewDecoder(bytes.NewReader(readFile(t, f)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&c); err != nil || c.WantError == "" || len(c.Facts) == 0 {
					t.Fatalf("%s: want {\"want_error\": \"...\", \"facts\": {...}}: %v", f, err)
				}
				err := schemas.Validate(ns, c.Facts)
				if err == nil || !strings.Contains(err.Error(), c.WantError) {
					t.Errorf("Validate(%s, %s) = %v, want an error containing %q", ns, f, err, c.WantError)
				}
			})
		}
	}
}

// TestCollectorGoldens validates the facts in the real collectors' golden
// outputs ({"facts": ..., "warnings": [...]}).
func TestCollectorGoldens(t *testing.T) {
	for _, ns := range []string{"os", "accounts"} {
		files, _ := filepath.Glob(filepath.Join("..", "plugins", ns, "testdata", "golden", "*.json"))
		if len(files) == 0 {
			t.Fatalf("no golden outputs for the %s collector", ns)
		}
		for _, f := range files {
			t.Run(ns+"/"+filepath.Base(f), func(t *testing.T) {
				var out struct {
					Facts json.RawMessage `json:"facts"`
				}
				if err := json.Unmarshal(readFile(t, f), &out); err != nil || len(out.Facts) == 0 {
					t.Fatalf("%s: want {\"facts\": ...}: %v", f, err)
				}
				if err := schemas.Validate(ns, out.Facts); err != nil {
					t.Errorf("Validate(%s, %s) = %v, want nil", ns, f, err)
				}
			})
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadCustomSchemas(t *testing.T) {
	set, err := schemas.Load(filepath.Join("testdata", "custom", "good"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(set.Namespaces(), "acme_inventory") || !slices.Contains(set.Namespaces(), "os") {
		t.Fatalf("Namespaces = %v, want the built-in ones and acme_inventory", set.Namespaces())
	}
	if err := set.Validate("acme_inventory", []byte(`{"asset_tag":"A123456"}`)); err != nil {
		t.Errorf("conforming custom facts: %v", err)
	}
	if err := set.Validate("acme_inventory", []byte(`{"asset_tag":"nope"}`)); err == nil || !strings.Contains(err.Error(), "/asset_tag") {
		t.Errorf("custom facts failing their schema = %v, want an error naming /asset_tag", err)
	}
	if err := set.Validate("os", []byte(`{"id": 42}`)); err == nil {
		t.Error("built-in schemas no longer checked once custom ones are loaded")
	}
	if err := set.Validate("acme_other", []byte(`{}`)); !errors.Is(err, schemas.ErrUnknownNamespace) || !strings.Contains(err.Error(), "acme_inventory") {
		t.Errorf("unknown namespace = %v, want ErrUnknownNamespace listing the known ones", err)
	}
	if err := schemas.Validate("acme_inventory", []byte(`{"asset_tag":"A123456"}`)); !errors.Is(err, schemas.ErrUnknownNamespace) {
		t.Errorf("package Validate knows a custom namespace: %v", err)
	}
	if set, err := schemas.Load(""); err != nil || !slices.Equal(set.Namespaces(), schemas.Namespaces()) {
		t.Errorf("Load(\"\") = %v, %v; want the built-in schemas", set, err)
	}
	for dir, want := range map[string]string{
		"shadow":    `"os" is built in`,
		"badname":   "not a valid namespace",
		"notschema": "acme_x.schema.json",
		"missing":   "no such file",
	} {
		if _, err := schemas.Load(filepath.Join("testdata", "custom", dir)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want an error with %q", dir, err, want)
		}
	}
}
