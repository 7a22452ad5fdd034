package schemas

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed *.schema.json
var files embed.FS

// suffix ends every schema file name: <namespace>.schema.json.
const suffix = ".schema.json"

// baseURL is the $id prefix of every schema: its $id is baseURL followed
// by the file name.
const baseURL = "https://github.com/auditfleet/auditfleet/schemas/"

// ErrUnknownNamespace is returned (wrapped) by Validate and Source for a
// namespace that has no schema.
var ErrUnknownNamespace = errors.New("unknown facts namespace")

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

// Namespaces returns the namespaces that have a schema, sorted.
func Namespaces() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil // the embedded root always reads
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), suffix); ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Source returns the schema document of namespace, as embedded.
func Source(namespace string) ([]byte, error) {
	if strings.ContainsAny(namespace, "/.") {
		return nil, fmt.Errorf("schema of %q: %w", namespace, ErrUnknownNamespace)
	}
	b, err := files.ReadFile(namespace + suffix)
	if err != nil {
		return nil, fmt.Errorf("schema of %q: %w", namespace, ErrUnknownNamespace)
	}
	return b, nil
}

// Validate checks factsJSON, the facts object of one namespace (the value
// under facts.<namespace> in a facts document), against the namespace's
// schema. It returns nil when the facts conform, and otherwise an error
// naming the JSON pointer of every value that failed and why, e.g.
// `backups facts: /jobs/0/last_success: "yesterday" is not valid
// date-time`. An unknown namespace gives an error wrapping
// ErrUnknownNamespace.
func Validate(namespace string, factsJSON []byte) error {
	schemas, err := compileAll()
	if err != nil {
		return err
	}
	sch, ok := schemas[namespace]
	if !ok {
		return fmt.Errorf("validate facts: %q: %w (known: %s)", namespace, ErrUnknownNamespace, strings.Join(Namespaces(), ", "))
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(factsJSON))
	if err != nil {
		return fmt.Errorf("%s facts: not JSON: %w", namespace, err)
	}
	err = sch.Validate(doc)
	var verr *jsonschema.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("%s facts: %s", namespace, describe(verr))
	}
	if err != nil {
		return fmt.Errorf("%s facts: %w", namespace, err)
	}
	return nil
}

// compileAll compiles every embedded schema, once per process.
func compileAll() (map[string]*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		compiled, compileErr = compile()
	})
	return compiled, compileErr
}

func compile() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	names := Namespaces()
	for _, ns := range names {
		b, err := files.ReadFile(ns + suffix)
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", ns+suffix, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("parse schema %s: %w", ns+suffix, err)
		}
		if err := c.AddResource(baseURL+ns+suffix, doc); err != nil {
			return nil, fmt.Errorf("add schema %s: %w", ns+suffix, err)
		}
	}
	out := make(map[string]*jsonschema.Schema, len(names))
	for _, ns := range names {
		sch, err := c.Compile(baseURL + ns + suffix)
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", ns+suffix, err)
		}
		out[ns] = sch
	}
	return out, nil
}

// describe lists the leaf failures of a validation error as
// "<JSON pointer>: <message>", sorted and de-duplicated, "/" standing for
// the facts object itself.
func describe(verr *jsonschema.ValidationError) string {
	var msgs []string
	var walk func(u jsonschema.OutputUnit)
	walk = func(u jsonschema.OutputUnit) {
		if len(u.Errors) > 0 {
			for _, c := range u.Errors {
				walk(c)
			}
			return
		}
		if u.Error != nil {
			msgs = append(msgs, pointer(u.InstanceLocation)+": "+u.Error.String())
		}
	}
	walk(*verr.DetailedOutput())
	slices.Sort(msgs)
	return strings.Join(slices.Compact(msgs), "; ")
}

// pointer returns the JSON pointer of an instance location, "/" for the
// whole document (whose pointer is empty).
func pointer(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
