package regolint

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/result"
)

func parse(t *testing.T, src string) *ast.Module {
	t.Helper()
	m, err := ast.ParseModuleWithOpts("m.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func compile(t *testing.T, srcs ...string) *ast.Compiler {
	t.Helper()
	mods := map[string]*ast.Module{}
	for i, src := range srcs {
		m, err := ast.ParseModuleWithOpts(string(rune('a'+i))+".rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		mods[m.Package.Location.File] = m
	}
	c := ast.NewCompiler()
	if c.Compile(mods); c.Failed() {
		t.Fatal(c.Errors)
	}
	return c
}

// messages joins the problems' messages, one a line.
func messages(ps []Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

func TestLines(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"package p\n\nx := 1\n", ""},
		{"package p\n\nx := \"" + strings.Repeat("a", 113) + "\"\n", ""},
		{"package p\n\nx := \"" + strings.Repeat("a", 114) + "\"\n", "m.rego:3: line of 121 characters, over 120"},
		{"package p\n\n\tx := \"" + strings.Repeat("é", 113) + "\"\n", "m.rego:3: line of 121 characters, over 120"},
	}
	for _, tt := range tests {
		if got := messages(Lines("m.rego", []byte(tt.src))); got != tt.want {
			t.Errorf("Lines(%.30q...) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestLongRules(t *testing.T) {
	body := func(n int) string { return strings.Repeat("\tinput.x\n", n) }
	tests := []struct {
		src  string
		want string
	}{
		{"package p\n\nx if {\n" + body(28) + "}\n", ""},
		{"package p\n\nx if {\n" + body(29) + "}\n", "m.rego:3: rule x is 31 lines long, over 30"},
		{"package p\n\nx := 1 if {\n" + body(14) + "} else := 2 if {\n" + body(14) + "}\n", "m.rego:3: rule x is 31 lines long"},
	}
	for _, tt := range tests {
		got := messages(LongRules(parse(t, tt.src)))
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("LongRules(%.40q...) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestLookupTables(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{`package p

x := {"a": 1, "b": 2}[input.k]`, 0},
		{`package p

x := {true: "", false: "s"}[count(input.l) == 1]`, 1},
		{`package p

plural_s := {false: "s", true: ""}

x := plural_s[input.n == 1]`, 1},
		{`package p

x := [{true: 1}, {false: 2}]`, 2},
	}
	for _, tt := range tests {
		if got := LookupTables(parse(t, tt.src)); len(got) != tt.want {
			t.Errorf("LookupTables(%q) = %q, want %d problems", tt.src, messages(got), tt.want)
		}
	}
}

func TestUnused(t *testing.T) {
	lib := `package auditfleet.lib

used(x) := x + 1

also_used := 2

stores[s] := 1 if some s in input.s

orphan := 3`
	control := `package auditfleet.controls.c

import data.auditfleet.lib

result := {"n": lib.used(lib.also_used), "s": lib.stores.a, "h": helper}

helper := 1

dead if input.x`
	other := `package elsewhere

ignored := 1`
	got := messages(Unused(compile(t, lib, control, other), ast.MustParseRef("data.auditfleet"), "result"))
	for _, want := range []string{"rule auditfleet.lib.orphan is referred to nowhere", "rule auditfleet.controls.c.dead is referred to nowhere"} {
		if !strings.Contains(got, want) {
			t.Errorf("Unused() = %q, want it to contain %q", got, want)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 2 {
		t.Errorf("Unused() = %q, want 2 problems", got)
	}
}

func TestReach(t *testing.T) {
	lib := `package auditfleet.lib

host_name := input.facts.os.hostname

stores := [s | some s in data.org.data_stores_by_host[host_name]]

leavers := data.org.leavers_by_user`
	tests := []struct {
		name    string
		body    string
		ctl     result.Control
		want    []string
		wantNot bool
	}{
		{"declared directly", `result := [input.facts.accounts.users, data.org.thresholds.x]`, result.Control{
			Requires: result.Inputs{Facts: []string{"accounts"}}, Reads: result.Inputs{Org: []string{"thresholds"}},
		}, nil, false},
		{"undeclared facts", `result := input.facts.accounts.users`, result.Control{},
			[]string{"reaches facts namespace accounts, which is not in its custom.requires.facts or custom.reads.facts"}, false},
		{"through lib, derived index", `result := [lib.host_name, lib.leavers]`, result.Control{},
			[]string{"reaches facts namespace os", "reaches organisation data kind leavers,"}, false},
		{"derived index declared as its kind", `result := lib.leavers`, result.Control{
			Requires: result.Inputs{Org: []string{"leavers"}},
		}, nil, false},
		{"declared but never read", `result := 1`, result.Control{Reads: result.Inputs{Facts: []string{"backups"}}},
			[]string{"declares facts namespace backups in its custom.requires.facts or custom.reads.facts but never reads it"}, false},
		{"results", `result := input.results["T-A-01"]`, result.Control{},
			[]string{"reaches control result T-A-01, which is not in its custom.depends"}, false},
		{"results declared", `result := input.results["T-A-01"]`, result.Control{Depends: []string{"T-A-01"}}, nil, false},
		{"variable namespace", `result := [x | some ns in ["a"]; x := input.facts[ns]]`, result.Control{},
			[]string{"reads input.facts[", "by a variable or whole"}, false},
		{"another control", `result := data.auditfleet.controls.other.result`, result.Control{},
			[]string{"refers to data.auditfleet.controls.other.result, another control: declare custom.depends"}, false},
	}
	other := "package auditfleet.controls.other\n\nresult := 1"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			control := "package auditfleet.controls.c\n\nimport data.auditfleet.lib\n\n" + tt.body
			c := compile(t, lib, control, other)
			tt.ctl.ID, tt.ctl.Package = "T-C-01", "auditfleet.controls.c"
			got := messages(Reach(c, tt.ctl))
			if len(tt.want) == 0 && got != "" {
				t.Errorf("Reach() = %q, want no problem", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Reach() = %q, want it to contain %q", got, w)
				}
			}
		})
	}
}
