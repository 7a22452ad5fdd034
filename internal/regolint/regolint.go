package regolint

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// MaxLine is the longest line allowed, in characters (a tab counts as
// one, as in Regal's line-length rule).
const MaxLine = 120

// MaxRuleLines is the longest rule allowed, in lines, else chain included.
const MaxRuleLines = 30

// Problem is one finding, at a file and line.
type Problem struct {
	File string
	Row  int
	Msg  string
}

// String formats the problem as file:line: message.
func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Row, p.Msg) }

// Lines reports each line of src longer than MaxLine.
func Lines(file string, src []byte) []Problem {
	var out []Problem
	for i, line := range strings.Split(string(src), "\n") {
		if n := utf8.RuneCountInString(line); n > MaxLine {
			out = append(out, Problem{file, i + 1, fmt.Sprintf("line of %d characters, over %d", n, MaxLine)})
		}
	}
	return out
}

// LongRules reports each rule of m longer than MaxRuleLines lines.
func LongRules(m *ast.Module) []Problem {
	var out []Problem
	for _, r := range m.Rules {
		if r.Location == nil {
			continue
		}
		if n := strings.Count(string(r.Location.Text), "\n") + 1; n > MaxRuleLines {
			out = append(out, Problem{r.Location.File, r.Location.Row,
				fmt.Sprintf("rule %s is %d lines long, over %d: split it into named rules", r.Head.Name, n, MaxRuleLines)})
		}
	}
	return out
}

// LookupTables reports each object literal of m with a boolean key: the
// {true: a, false: b}[cond] idiom, inline or as a named table, which an
// else chain or a small rule says plainly.
func LookupTables(m *ast.Module) []Problem {
	var out []Problem
	ast.WalkTerms(m, func(t *ast.Term) bool {
		obj, ok := t.Value.(ast.Object)
		if !ok {
			return false
		}
		for _, k := range obj.Keys() {
			if _, isBool := k.Value.(ast.Boolean); isBool {
				out = append(out, Problem{fileOf(t.Location), rowOf(t.Location),
					"object keyed by a boolean (a lookup table indexed by a condition): use an else chain or a rule"})
				break
			}
		}
		return false
	})
	return out
}

// Unused reports the rules of the packages under prefix (e.g.
// data.auditfleet) that no other rule refers to, among the compiled
// modules of c, except the rules named in keep (such as a control's
// result).
func Unused(c *ast.Compiler, prefix ast.Ref, keep ...string) []Problem {
	used := map[string]bool{} // document path -> referred to by another rule
	for _, name := range sortedNames(c.Modules) {
		for _, r := range c.Modules[name].Rules {
			own := r.Path().String()
			ast.WalkRefs(r, func(ref ast.Ref) bool {
				for n := len(ref); n > 0; n-- {
					if s := ref[:n].String(); s != own {
						used[s] = true
					}
				}
				return false
			})
		}
	}
	var out []Problem
	seen := map[string]bool{}
	for _, name := range sortedNames(c.Modules) {
		m := c.Modules[name]
		if !m.Package.Path.HasPrefix(prefix) {
			continue
		}
		for _, r := range m.Rules {
			path := r.Path().String()
			if seen[path] || used[path] || slices.Contains(keep, string(r.Head.Name)) {
				continue
			}
			seen[path] = true
			out = append(out, Problem{fileOf(r.Location), rowOf(r.Location),
				fmt.Sprintf("rule %s is referred to nowhere: remove it", strings.TrimPrefix(path, "data."))})
		}
	}
	return out
}

func fileOf(loc *ast.Location) string {
	if loc == nil {
		return ""
	}
	return loc.File
}

func rowOf(loc *ast.Location) int {
	if loc == nil {
		return 0
	}
	return loc.Row
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
