package policies_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"

	"github.com/auditfleet/auditfleet/internal/regolint"
	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
)

// TestLint runs regolint over the policy tree: lookup tables in every
// module, tests included; line and rule length in the policies (tests
// compare whole evidence texts, which are long);
// helper rules referred to nowhere in the policies (tests do not count as
// a use); and what each control reaches against its METADATA.
func TestLint(t *testing.T) {
	var problems []regolint.Problem
	err := fs.WalkDir(policies.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".rego") {
			return err
		}
		src, err := fs.ReadFile(policies.FS, name)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return err
		}
		problems = append(problems, regolint.LookupTables(m)...)
		if !strings.HasSuffix(name, "_test.rego") {
			problems = append(problems, regolint.Lines(name, src)...)
			problems = append(problems, regolint.LongRules(m)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	loaded, err := loader.NewFileLoader().WithFS(policies.FS).WithProcessAnnotation(true).WithRegoVersion(ast.RegoV1).
		Filtered([]string{"."}, func(_ string, info fs.FileInfo, _ int) bool {
			return !info.IsDir() && !strings.HasSuffix(info.Name(), ".rego") || strings.HasSuffix(info.Name(), "_test.rego")
		})
	if err != nil {
		t.Fatal(err)
	}
	c := ast.NewCompiler()
	if c.Compile(loaded.ParsedModules()); c.Failed() {
		t.Fatal(c.Errors)
	}
	problems = append(problems, regolint.Unused(c, ast.MustParseRef("data.auditfleet"), opa.ResultRule)...)

	e, err := opa.New(context.Background(), policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ctl := range e.Controls() {
		problems = append(problems, regolint.Reach(c, ctl)...)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
