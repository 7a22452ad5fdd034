package regolint

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/result"
)

// DerivedKinds maps the indexes package orgdata derives from the
// organisation data (orgdata.AddLeaverIndexes, which the engine also
// applies when they are missing) to the kind they index: a control
// reading data.org.leavers_by_user reads leavers, and declares that.
var DerivedKinds = map[string]string{
	"leavers_by_user":  "leavers",
	"leavers_by_email": "leavers",
}

var (
	factsRef    = ast.MustParseRef("input.facts")
	resultsRef  = ast.MustParseRef("input.results")
	orgRef      = ast.MustParseRef("data.org")
	controlsRef = ast.MustParseRef("data.auditfleet.controls")
)

// reach is what a control reaches, directly or through the rules it
// refers to.
type reach struct {
	facts, org, results map[string]bool
	problems            []string
}

// Reach compares what the control ctl reaches, in its own rules and every
// rule they refer to (in the compiled modules of c), with what it
// declares: each input.facts.<ns> and data.org.<kind> reached must be in
// its custom.requires or custom.reads, each input.results[<id>] in its
// custom.depends, and each of those must be reached. It refuses a
// reference to another control's package (custom.depends is the way),
// and namespaces, kinds or IDs reached through a variable, which cannot be
// checked.
func Reach(c *ast.Compiler, ctl result.Control) []Problem {
	pkg := ast.MustParseRef("data." + ctl.Package)
	r := reach{facts: map[string]bool{}, org: map[string]bool{}, results: map[string]bool{}}
	visited := map[*ast.Rule]bool{}
	queue := c.GetRules(pkg)
	for len(queue) > 0 {
		rule := queue[0]
		queue = queue[1:]
		if visited[rule] {
			continue
		}
		visited[rule] = true
		ast.WalkRefs(rule, func(ref ast.Ref) bool {
			if ref.HasPrefix(controlsRef) && !ref.HasPrefix(pkg) && len(ref) > len(controlsRef) {
				r.problems = append(r.problems, fmt.Sprintf("refers to %v, another control: declare custom.depends and read input.results", ref))
				return false
			}
			r.add(ref)
			if ref.HasPrefix(ast.DefaultRootRef) {
				queue = append(queue, c.GetRules(ref)...)
			}
			return false
		})
	}
	loc := packageLocation(c, pkg)
	var out []Problem
	for _, p := range r.problems {
		out = append(out, Problem{fileOf(loc), rowOf(loc), p})
	}
	declared := func(lists ...[]string) map[string]bool {
		m := map[string]bool{}
		for _, l := range lists {
			for _, s := range l {
				m[s] = true
			}
		}
		return m
	}
	for _, d := range []struct {
		what     string
		reached  map[string]bool
		declared map[string]bool
		where    string
	}{
		{"facts namespace", r.facts, declared(ctl.Requires.Facts, ctl.Reads.Facts), "custom.requires.facts or custom.reads.facts"},
		{"organisation data kind", r.org, declared(ctl.Requires.Org, ctl.Reads.Org), "custom.requires.org or custom.reads.org"},
		{"control result", r.results, declared(ctl.Depends), "custom.depends"},
	} {
		for _, name := range sortedNames(d.reached) {
			if !d.declared[name] {
				out = append(out, Problem{fileOf(loc), rowOf(loc),
					fmt.Sprintf("control %s reaches %s %s, which is not in its %s", ctl.ID, d.what, name, d.where)})
			}
		}
		for _, name := range sortedNames(d.declared) {
			if !d.reached[name] {
				out = append(out, Problem{fileOf(loc), rowOf(loc),
					fmt.Sprintf("control %s declares %s %s in its %s but never reads it", ctl.ID, d.what, name, d.where)})
			}
		}
	}
	return out
}

// add records what ref reads of the facts, the organisation data and the
// results of other controls.
func (r *reach) add(ref ast.Ref) {
	for _, x := range []struct {
		prefix ast.Ref
		into   map[string]bool
		name   func(string) string
	}{
		{factsRef, r.facts, nil},
		{resultsRef, r.results, nil},
		{orgRef, r.org, func(k string) string {
			if base, ok := DerivedKinds[k]; ok {
				return base
			}
			return k
		}},
	} {
		if !ref.HasPrefix(x.prefix) {
			continue
		}
		n := len(x.prefix)
		var key ast.String
		ok := len(ref) > n
		if ok {
			key, ok = ref[n].Value.(ast.String)
		}
		if !ok {
			r.problems = append(r.problems, fmt.Sprintf("reads %v by a variable or whole, so what it reads cannot be checked", ref[:min(len(ref), n+1)]))
			return
		}
		name := string(key)
		if x.name != nil {
			name = x.name(name)
		}
		x.into[name] = true
	}
}

// packageLocation is the location of the first module (by file name) of
// package pkg.
func packageLocation(c *ast.Compiler, pkg ast.Ref) *ast.Location {
	for _, name := range sortedNames(c.Modules) {
		if m := c.Modules[name]; m.Package.Path.Equal(pkg) {
			return m.Package.Location
		}
	}
	return nil
}
