package opa

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/result"
)

// ControlsPackage is the package under which every control lives, one
// sub-package per control (e.g. auditfleet.controls.ico_sec_01).
const ControlsPackage = "auditfleet.controls"

// ResultRule is the rule each control package defines for its outcome.
const ResultRule = "result"

// Options are the deployment's settings for the policies.
type Options struct {
	// CustomDir, when set, is a directory of the organisation's own
	// controls (Rego modules and JSON data), loaded beside the built-in
	// ones with the same rules: each control a package
	// auditfleet.controls.<name> with METADATA and a result rule; helpers
	// go under auditfleet.custom. A custom module may not add to a
	// built-in package. Errors name the file and line.
	CustomDir string
	// Revision, when set, replaces the computed content hash as the
	// policy revision recorded in every result (a signed bundle's
	// revision).
	Revision string
	// Org becomes data.org: organisation data such as
	// {"approved_admins": ["alice"]}. When set it replaces any data.org
	// in the policy tree.
	Org map[string]any
}

// Engine evaluates every control of one policy revision. It is safe for
// concurrent use.
type Engine struct {
	controls []control // sorted by ID
	// levels are the indexes of the controls in evaluation order (see
	// levels in depends.go), each with the query for all of them.
	levels   []level
	revision string
	// compiler and store serve the queries prepared on first use.
	compiler *ast.Compiler
	store    storage.Store
	// subsets holds, by set of controls to evaluate (one byte per
	// control), the prepared query for that set; nsubsets counts them.
	subsets  sync.Map // string -> func() (rego.PreparedEvalQuery, error)
	nsubsets atomic.Int32
}

// level is a set of controls evaluated together: those of level 0 depend
// on no other control, those of level n on controls of lower levels.
type level struct {
	controls []int
	query    rego.PreparedEvalQuery
}

// control is one control's metadata and its own prepared query, used to
// isolate the failure when the combined query fails.
type control struct {
	meta result.Control
	// query is prepared on first use: it is needed only when the combined
	// query fails, and preparing every control's query up front costs
	// memory the agent's scan does not have to spare.
	query func() (rego.PreparedEvalQuery, error)
	// term is the control's term of a combined query.
	term string
	// orgMissing has one evidence item per required kind of organisation
	// data the engine's data.org lacks; when not empty the control is
	// never evaluated (see gate.go).
	orgMissing []result.Evidence
}

// New loads the Rego modules (skipping *_test.rego) and JSON data files
// of fsys with OPA's loader semantics (lifecycle/data.json becomes
// data.lifecycle), compiles them in strict mode, reads every control's
// metadata, orders the controls by their dependencies, and prepares the
// query for each level of them. It refuses a tree with a syntax or
// compile error, a control without valid metadata or result rule, or
// depending on an unknown control or in a cycle, naming the file and line
// where it can.
func New(ctx context.Context, fsys fs.FS, opts Options) (*Engine, error) {
	loaded, err := load(loader.NewFileLoader().WithFS(fsys), ".")
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	revision, err := hashTree(fsys)
	if err != nil {
		return nil, err
	}
	modules := loaded.ParsedModules()
	docs := loaded.Documents
	if opts.CustomDir != "" {
		custom, err := load(loader.NewFileLoader(), opts.CustomDir)
		if err != nil {
			return nil, fmt.Errorf("load custom controls: %w", err)
		}
		if err := checkCustom(modules, custom.ParsedModules()); err != nil {
			return nil, fmt.Errorf("load custom controls: %w", err)
		}
		for name, m := range custom.ParsedModules() {
			modules[name] = m
		}
		for k, v := range custom.Documents {
			if _, clash := docs[k]; clash {
				return nil, fmt.Errorf("load custom controls from %s: data document %q clashes with a built-in one", opts.CustomDir, k)
			}
			docs[k] = v
		}
		customRev, err := hashTree(os.DirFS(opts.CustomDir))
		if err != nil {
			return nil, fmt.Errorf("load custom controls: %w", err)
		}
		revision += "+custom:" + strings.TrimPrefix(customRev, "sha256:")
	}
	if opts.Revision != "" {
		revision = opts.Revision
	}

	compiler := ast.NewCompiler().WithStrict(true)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("compile policies: %w", compiler.Errors)
	}
	metas, err := readControls(compiler)
	if err != nil {
		return nil, err
	}
	order, err := levels(metas)
	if err != nil {
		return nil, fmt.Errorf("read control metadata: %w", err)
	}

	if opts.Org != nil {
		docs["org"] = opts.Org
	}
	if org, ok := docs["org"].(map[string]any); ok {
		docs["org"] = withIndexes(org)
	}
	data, err := ast.InterfaceToValue(docs)
	if err != nil {
		return nil, fmt.Errorf("load data: %w", err)
	}
	obj, ok := data.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("load data: want an object, got %s", ast.ValueName(data))
	}
	store := inmem.NewFromASTObject(obj)

	e := &Engine{revision: revision, compiler: compiler, store: store}
	for _, m := range metas {
		term := fmt.Sprintf("[x | x := data.%s.%s]", m.Package, ResultRule)
		query := "results := [" + term + "]"
		e.controls = append(e.controls, control{
			meta:       m,
			term:       term,
			orgMissing: orgMissing(m.Requires.Org, docs["org"]),
			query: sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
				q, err := prepare(context.Background(), compiler, store, query)
				if err != nil {
					return q, fmt.Errorf("prepare query for %s: %w", m.ID, err)
				}
				return q, nil
			}),
		})
	}
	for _, idx := range order {
		q, err := prepare(ctx, compiler, store, e.queryText(idx))
		if err != nil {
			return nil, fmt.Errorf("prepare query: %w", err)
		}
		e.levels = append(e.levels, level{controls: idx, query: q})
	}
	return e, nil
}

// withIndexes returns the organisation data org with the indexes the
// policies look leavers up in (orgdata.AddLeaverIndexes), as
// orgdata.Set.PolicyData adds them, when org has leavers but not the
// indexes. org itself is left unchanged.
func withIndexes(org map[string]any) map[string]any {
	_, hasLeavers := org[string(orgdata.KindLeavers)]
	_, hasIndex := org[orgdata.LeaversByUserKey]
	if !hasLeavers || hasIndex {
		return org
	}
	out := maps.Clone(org)
	orgdata.AddLeaverIndexes(out)
	return out
}

// queryText is the query for the results of the controls idx, in order.
func (e *Engine) queryText(idx []int) string {
	terms := make([]string, len(idx))
	for i, c := range idx {
		terms[i] = e.controls[c].term
	}
	return "results := [" + strings.Join(terms, ", ") + "]"
}

// maxSubsets bounds the queries prepared for sets of controls to
// evaluate: a fleet has a few kinds of host (which collectors they run),
// and past the bound a host is evaluated with its level's query, whose
// extra results are set aside.
const maxSubsets = 64

// subsetQuery returns the prepared query for the controls idx (in order),
// preparing it on first use.
func (e *Engine) subsetQuery(ctx context.Context, idx []int) (rego.PreparedEvalQuery, error) {
	key := make([]byte, len(e.controls))
	for _, i := range idx {
		key[i] = 1
	}
	if f, ok := e.subsets.Load(string(key)); ok {
		return f.(func() (rego.PreparedEvalQuery, error))()
	}
	if e.nsubsets.Load() >= maxSubsets {
		return rego.PreparedEvalQuery{}, errTooManySubsets
	}
	query := e.queryText(idx)
	f, loaded := e.subsets.LoadOrStore(string(key), sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
		q, err := prepare(context.WithoutCancel(ctx), e.compiler, e.store, query)
		if err != nil {
			return q, fmt.Errorf("prepare query: %w", err)
		}
		return q, nil
	}))
	if !loaded {
		e.nsubsets.Add(1)
	}
	return f.(func() (rego.PreparedEvalQuery, error))()
}

// errTooManySubsets is subsetQuery's refusal past maxSubsets.
var errTooManySubsets = errors.New("too many sets of controls to evaluate")

func prepare(ctx context.Context, compiler *ast.Compiler, store storage.Store, query string) (rego.PreparedEvalQuery, error) {
	return rego.New(
		rego.Query(query),
		rego.Compiler(compiler),
		rego.Store(store),
		rego.GenerateJSON(keepAST),
	).PrepareForEval(ctx)
}

// keepAST hands results back as AST terms, sparing a conversion to Go
// values that Evaluate would only undo.
func keepAST(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// Controls returns the metadata of every control, sorted by ID.
func (e *Engine) Controls() []result.Control {
	out := make([]result.Control, len(e.controls))
	for i, c := range e.controls {
		out[i] = c.meta
		out[i].Mappings = cloneMappings(c.meta.Mappings)
		out[i].Requires = cloneInputs(c.meta.Requires)
		out[i].Reads = cloneInputs(c.meta.Reads)
		out[i].Depends = slices.Clone(c.meta.Depends)
	}
	return out
}

// Revision identifies the policy tree: "sha256:" and the first 16 hex
// digits of a hash over the path and content of every loaded module and
// data file. Options are not part of it.
func (e *Engine) Revision() string { return e.revision }

// load reads the modules and data under root with the loader l.
func load(l loader.FileLoader, root string) (*loader.Result, error) {
	return l.WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		Filtered([]string{root}, skip)
}

// customRef is data.auditfleet.custom, where custom helpers live.
var customRef = ast.MustParseRef("data.auditfleet.custom")

// checkCustom refuses custom modules that would add rules to a built-in
// package, or that live outside auditfleet.controls.<name> and
// auditfleet.custom.
func checkCustom(builtin, custom map[string]*ast.Module) error {
	taken := map[string]bool{}
	for _, m := range builtin {
		taken[m.Package.Path.String()] = true
	}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(custom)) {
		m := custom[name]
		p := m.Package.Path
		switch {
		case taken[p.String()]:
			errs = append(errs, locErr(m.Package.Location, "package %s is built in; a custom control needs a package of its own", strings.TrimPrefix(p.String(), "data.")))
		case len(p) == len(controlsRef)+1 && p.HasPrefix(controlsRef), p.HasPrefix(customRef):
		default:
			errs = append(errs, locErr(m.Package.Location, "package %s: custom modules must be auditfleet.controls.<name> (a control) or under auditfleet.custom (helpers)", strings.TrimPrefix(p.String(), "data.")))
		}
	}
	return errors.Join(errs...)
}

// policyFile reports whether New loads the file at name: Rego modules
// other than tests, and JSON data.
func policyFile(name string) bool {
	switch path.Ext(name) {
	case ".rego":
		return !strings.HasSuffix(name, "_test.rego")
	case ".json":
		return true
	}
	return false
}

// skip is the loader filter: it drops every file New does not load.
func skip(abspath string, info fs.FileInfo, _ int) bool {
	return !info.IsDir() && !policyFile(abspath)
}

// hashTree hashes the path and content of every file New loads, in path
// order, so the revision changes exactly when the loaded tree does.
func hashTree(fsys fs.FS) (string, error) {
	contents := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !policyFile(p) {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		contents[p] = b
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash policies: %w", err)
	}
	if len(contents) == 0 {
		return "", errors.New("load policies: no .rego or .json files")
	}
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(contents)) {
		for _, part := range [][]byte{[]byte(p), contents[p]} {
			_ = binary.Write(h, binary.BigEndian, uint64(len(part)))
			h.Write(part)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func cloneMappings(m result.Mappings) result.Mappings {
	return result.Mappings{
		CyberEssentials: slices.Clone(m.CyberEssentials),
		CISv8:           slices.Clone(m.CISv8),
		ISO27001:        slices.Clone(m.ISO27001),
	}
}

func cloneInputs(in result.Inputs) result.Inputs {
	return result.Inputs{Facts: slices.Clone(in.Facts), Org: slices.Clone(in.Org)}
}
