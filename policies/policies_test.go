package policies_test

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/auditfleet/auditfleet/policies"
)

// TestRego runs every Rego unit test in the embedded policy tree, as
// "opa test policies/" would (built-in errors leave an expression
// undefined, as in production), and fails naming each failing Rego test.
func TestRego(t *testing.T) {
	ctx := context.Background()
	loaded, err := loader.NewFileLoader().
		WithFS(policies.FS).
		WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		All([]string{"."})
	if err != nil {
		t.Fatalf("load policies: %v", err)
	}
	modules := loaded.ParsedModules()
	store := inmem.NewFromObject(loaded.Documents)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Abort(ctx, txn)

	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		SetStore(store).
		SetModules(modules).
		CapturePrintOutput(true).
		RunTests(ctx, txn)
	if err != nil {
		t.Fatalf("run Rego tests: %v", err)
	}
	n := 0
	for r := range ch {
		n++
		name := r.Package + "." + r.Name
		switch {
		case r.Error != nil:
			t.Errorf("Rego test %s (%s) error: %v", name, r.Location, r.Error)
		case r.Fail:
			msg := "failed"
			if r.FailedAt != nil {
				msg = "failed at " + r.FailedAt.Location.String() + ": " + r.FailedAt.String()
			}
			t.Errorf("Rego test %s (%s) %s%s", name, r.Location, msg, output(r.Output))
		case r.Skip:
			t.Errorf("Rego test %s (%s) is skipped (todo_): finish it or remove it", name, r.Location)
		}
	}
	if n == 0 {
		t.Fatal("no Rego tests found in policies.FS")
	}
	t.Logf("%d Rego tests run", n)
}

func output(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return "\n" + strings.TrimRight(string(b), "\n")
}
