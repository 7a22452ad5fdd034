package schemas

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/auditfleet/auditfleet/facts"
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
	compiled    *Set
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
// built-in schema. It returns nil when the facts conform, and otherwise an
// error naming the JSON pointer of every value that failed and why, e.g.
// `backups facts: /jobs/0/last_success: "yesterday" is not valid
// date-time`. An unknown namespace gives an error wrapping
// ErrUnknownNamespace.
func Validate(namespace string, factsJSON []byte) error {
	set, err := builtin()
	if err != nil {
		return err
	}
	return set.Validate(namespace, factsJSON)
}

// Set is the built-in schemas, plus the schemas of an organisation's own
// collectors when loaded with Load.
type Set struct {
	compiled map[string]*jsonschema.Schema
	names    []string
}

// Load returns the built-in schemas plus every <namespace>.schema.json in
// dir, the schemas of an organisation's own collectors; dir "" means the
// built-in schemas only. A file whose name is not a valid namespace, that
// is not a JSON Schema, or that would replace a built-in schema is an
// error: a collector's facts are only accepted against a schema.
func Load(dir string) (*Set, error) {
	if dir == "" {
		return builtin()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("facts schemas: %w", err)
	}
	var extra []source
	for _, e := range entries {
		ns, ok := strings.CutSuffix(e.Name(), suffix)
		if !ok || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if !facts.ValidNamespace(ns) {
			return nil, fmt.Errorf("facts schema %s: %q is not a valid namespace name", path, ns)
		}
		if slices.Contains(Namespaces(), ns) {
			return nil, fmt.Errorf("facts schema %s: namespace %q is built in and its schema cannot be replaced", path, ns)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("facts schema: %w", err)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("facts schema: %w", err)
		}
		extra = append(extra, source{ns: ns, url: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), doc: b})
	}
	set, err := compile(extra)
	if err != nil {
		return nil, fmt.Errorf("facts schemas in %s: %w", dir, err)
	}
	return set, nil
}

// Namespaces returns the namespaces the set has a schema for, sorted.
func (s *Set) Namespaces() []string { return slices.Clone(s.names) }

// Validate is the package's Validate over the set's schemas.
func (s *Set) Validate(namespace string, factsJSON []byte) error {
	sch, ok := s.compiled[namespace]
	if !ok {
		return fmt.Errorf("facts namespace %q: %w (known: %s)", namespace, ErrUnknownNamespace, strings.Join(s.names, ", "))
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

// builtin compiles the embedded schemas, once per process.
func builtin() (*Set, error) {
	compileOnce.Do(func() {
		compiled, compileErr = compile(nil)
	})
	return compiled, compileErr
}

// source is one schema document to compile: its namespace, the URL it is
// known by and its text.
type source struct {
	ns, url string
	doc     []byte
}

// compile compiles the embedded schemas and extra into one Set.
func compile(extra []source) (*Set, error) {
	var srcs []source
	for _, ns := range Namespaces() {
		b, err := files.ReadFile(ns + suffix)
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", ns+suffix, err)
		}
		srcs = append(srcs, source{ns: ns, url: baseURL + ns + suffix, doc: b})
	}
	srcs = append(srcs, extra...)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	for _, src := range srcs {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src.doc))
		if err != nil {
			return nil, fmt.Errorf("parse schema %s: %w", src.url, err)
		}
		if err := c.AddResource(src.url, doc); err != nil {
			return nil, fmt.Errorf("add schema %s: %w", src.url, err)
		}
	}
	set := &Set{compiled: make(map[string]*jsonschema.Schema, len(srcs))}
	for _, src := range srcs {
		sch, err := c.Compile(src.url)
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", src.url, err)
		}
		set.compiled[src.ns] = sch
		set.names = append(set.names, src.ns)
	}
	slices.Sort(set.names)
	return set, nil
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
