package opa

import (
	"github.com/open-policy-agent/opa/v1/ast"
)

// A control whose facts are missing from a report has a constant result,
// and evaluating it still costs as much as a small policy (~15µs: the rule
// lookups and their allocations). So the engine recognises, from the
// compiled policy itself, controls whose result rule opens with
//
//	result := absent if {
//		not has_facts
//		not "accounts" in lib.failed   # optional
//	}
//
// where absent is a constant (or built only from constant rules) and
// has_facts is defined by a single rule is_<type>(input.<path>). For a
// host whose input.<path> is missing, or not of that type, and whose
// collector for the namespace did not fail, the first rule of the else
// chain applies: the result is the constant, whatever the rest of the
// input. Evaluate returns it without evaluating the control. Nothing is
// declared by hand, so a policy edit can only turn the shortcut off (the
// pattern no longer matches), never make it wrong.

// shortcut is what a control's result is when its facts are missing.
type shortcut struct {
	// path is the input path the guard rule reads, e.g. facts, accounts,
	// users.
	path []*ast.Term
	// typeOK is the guard's type test (is_array, is_object, ...).
	typeOK func(ast.Value) bool
	// failed, when not empty, is the namespace whose collector must not
	// have failed (the "not ns in lib.failed" condition).
	failed ast.String
	// value is the constant result.
	value *ast.Term
}

// failedRef is data.auditfleet.lib.failed, the set of namespaces whose
// collector failed.
var failedRef = ast.MustParseRef("data.auditfleet.lib.failed")

// failedText is the source of lib.failed that collectorFailed mirrors; with
// any other definition the shortcut is not taken for controls testing it.
const failedText = "failed contains e.namespace if some e in input.collector_errors"

// typeTests are the built-in type tests a guard rule may use, and their Go
// equivalents on input values.
var typeTests = map[string]func(ast.Value) bool{
	ast.IsObject.Name:  func(v ast.Value) bool { _, ok := v.(ast.Object); return ok },
	ast.IsArray.Name:   func(v ast.Value) bool { _, ok := v.(*ast.Array); return ok },
	ast.IsString.Name:  func(v ast.Value) bool { _, ok := v.(ast.String); return ok },
	ast.IsNumber.Name:  func(v ast.Value) bool { _, ok := v.(ast.Number); return ok },
	ast.IsBoolean.Name: func(v ast.Value) bool { _, ok := v.(ast.Boolean); return ok },
	ast.IsNull.Name:    func(v ast.Value) bool { _, ok := v.(ast.Null); return ok },
	ast.IsSet.Name:     func(v ast.Value) bool { _, ok := v.(ast.Set); return ok },
}

// findShortcut returns the shortcut of the control in package pkg (e.g.
// data.auditfleet.controls.ico_acc_01), or nil when its result rule does
// not have the shape described above.
func findShortcut(c *ast.Compiler, pkg ast.Ref) *shortcut {
	rule := onlyRule(c, pkg.Append(ast.StringTerm(ResultRule)))
	if rule == nil || rule.Else == nil {
		return nil
	}
	head, ok := rule.Head.Value.Value.(ast.Var)
	if !ok || len(rule.Body) == 0 {
		return nil
	}
	var (
		s      shortcut
		locals = map[ast.Var]*ast.Term{} // local := constant
		failed = map[ast.Var]bool{}      // local := data.auditfleet.lib.failed
	)
	for _, expr := range rule.Body {
		if len(expr.With) > 0 {
			return nil
		}
		switch {
		case expr.Negated && !expr.IsCall():
			// not has_facts
			ref, ok := expr.Terms.(*ast.Term).Value.(ast.Ref)
			if !ok || s.path != nil || !ref.HasPrefix(pkg) || len(ref) != len(pkg)+1 {
				return nil
			}
			if s.path, s.typeOK = guard(c, ref); s.path == nil {
				return nil
			}
		case expr.Negated:
			// not "ns" in lib.failed, compiled to internal.member_2("ns", local)
			terms := expr.Operands()
			if !expr.Operator().Equal(ast.Member.Ref()) || len(terms) != 2 || s.failed != "" {
				return nil
			}
			ns, ok := terms[0].Value.(ast.String)
			v, isVar := terms[1].Value.(ast.Var)
			if !ok || !isVar || !failed[v] {
				return nil
			}
			s.failed = ns
		case expr.IsEquality():
			// local := value, where value is lib.failed, a constant rule or a
			// term built from constants and earlier locals.
			terms := expr.Operands()
			v, ok := terms[0].Value.(ast.Var)
			if !ok {
				return nil
			}
			if ref, ok := terms[1].Value.(ast.Ref); ok && ref.Equal(failedRef) {
				if !failedMirrored(c) {
					return nil
				}
				failed[v] = true
				continue
			}
			val := constant(c, pkg, terms[1], locals)
			if val == nil {
				return nil
			}
			locals[v] = val
		default:
			return nil
		}
	}
	s.value = locals[head]
	if s.path == nil || s.value == nil {
		return nil
	}
	return &s
}

// onlyRule returns the rule defining ref when it is the only one (no
// default, no other definitions, no rules below ref) and not a function.
func onlyRule(c *ast.Compiler, ref ast.Ref) *ast.Rule {
	exact := c.GetRulesExact(ref)
	if len(exact) != 1 || len(c.GetRules(ref)) != 1 {
		return nil
	}
	r := exact[0]
	if r.Default || len(r.Head.Args) > 0 || r.Head.Value == nil {
		return nil
	}
	return r
}

// guard reads a rule defined only as is_<type>(input.<path>): its path and
// type test. nil when the rule has another shape.
func guard(c *ast.Compiler, ref ast.Ref) ([]*ast.Term, func(ast.Value) bool) {
	r := onlyRule(c, ref)
	if r == nil || r.Else != nil || !r.Head.Value.Equal(ast.InternedTerm(true)) {
		return nil, nil
	}
	// Compiled as: local = input.<path>; is_<type>(local)
	if len(r.Body) != 2 {
		return nil, nil
	}
	assign, test := r.Body[0], r.Body[1]
	if assign.Negated || test.Negated || len(assign.With)+len(test.With) > 0 || !assign.IsEquality() || !test.IsCall() {
		return nil, nil
	}
	local, ok := assign.Operand(0).Value.(ast.Var)
	in, okRef := assign.Operand(1).Value.(ast.Ref)
	if !ok || !okRef || !in.HasPrefix(ast.InputRootRef) || len(in) < 2 {
		return nil, nil
	}
	for _, t := range in[1:] {
		if _, ok := t.Value.(ast.String); !ok {
			return nil, nil
		}
	}
	typeOK := typeTests[test.Operator().String()]
	if typeOK == nil || len(test.Operands()) != 1 {
		return nil, nil
	}
	if v, ok := test.Operand(0).Value.(ast.Var); !ok || v != local {
		return nil, nil
	}
	return in[1:], typeOK
}

// failedMirrored reports whether lib.failed is the rule collectorFailed
// mirrors.
func failedMirrored(c *ast.Compiler) bool {
	exact := c.GetRulesExact(failedRef)
	return len(exact) == 1 && len(c.GetRules(failedRef)) == 1 && exact[0].Else == nil &&
		!exact[0].Default && exact[0].Location != nil && string(exact[0].Location.Text) == failedText
}

// constant resolves t to a constant term: a constant itself, a local
// bound earlier, a rule of pkg defined as a constant, or an array or object
// of those. nil when t is anything else.
func constant(c *ast.Compiler, pkg ast.Ref, t *ast.Term, locals map[ast.Var]*ast.Term) *ast.Term {
	switch x := t.Value.(type) {
	case ast.Null, ast.Boolean, ast.Number, ast.String:
		return t
	case ast.Var:
		return locals[x]
	case ast.Ref:
		if !x.HasPrefix(pkg) || len(x) != len(pkg)+1 {
			return nil
		}
		r := onlyRule(c, x)
		if r == nil || r.Else != nil || len(r.Body) != 1 || len(r.Body[0].With) > 0 || r.Body[0].Negated ||
			!ast.IsConstant(r.Head.Value.Value) {
			return nil
		}
		if body, ok := r.Body[0].Terms.(*ast.Term); !ok || !body.Equal(ast.InternedTerm(true)) {
			return nil
		}
		return r.Head.Value
	case *ast.Array:
		elems := make([]*ast.Term, x.Len())
		for i := range elems {
			if elems[i] = constant(c, pkg, x.Elem(i), locals); elems[i] == nil {
				return nil
			}
		}
		return ast.ArrayTerm(elems...)
	case ast.Object:
		out := ast.NewObjectWithCapacity(x.Len())
		ok := true
		x.Foreach(func(k, v *ast.Term) {
			kc, vc := constant(c, pkg, k, locals), constant(c, pkg, v, locals)
			if kc == nil || vc == nil {
				ok = false
				return
			}
			out.Insert(kc, vc)
		})
		if !ok {
			return nil
		}
		return ast.NewTerm(out)
	}
	return nil
}

// applies reports whether the shortcut gives input's result: the guarded
// value is missing or of another type, and the namespace's collector, if
// tested, did not fail. When it cannot be sure (input shaped unlike JSON),
// it says no and the control is evaluated.
func (s *shortcut) applies(input ast.Value) bool {
	v := input
	for _, k := range s.path {
		obj, ok := v.(ast.Object)
		if !ok {
			return false
		}
		t := obj.Get(k)
		if t == nil {
			v = nil
			break
		}
		v = t.Value
	}
	if v != nil && s.typeOK(v) {
		return false
	}
	return s.failed == "" || !collectorFailed(input, s.failed)
}

// collectorFailedKey and namespaceKey are the input keys lib.failed reads.
var (
	collectorErrorsKey = ast.StringTerm("collector_errors")
	namespaceKey       = ast.StringTerm("namespace")
)

// collectorFailed mirrors lib.failed (failedText): whether some entry of
// input.collector_errors has namespace ns. It errs towards true (which
// means "evaluate") for collector_errors shaped unlike JSON arrays of
// objects.
func collectorFailed(input ast.Value, ns ast.String) bool {
	obj, ok := input.(ast.Object)
	if !ok {
		return true
	}
	t := obj.Get(collectorErrorsKey)
	if t == nil {
		return false
	}
	var list *ast.Array
	switch v := t.Value.(type) {
	case ast.Null, ast.Boolean, ast.Number, ast.String:
		return false // nothing to iterate: lib.failed is empty
	case *ast.Array:
		list = v
	default:
		return true
	}
	for i := range list.Len() {
		e, ok := list.Elem(i).Value.(ast.Object)
		if !ok {
			return true
		}
		if n := e.Get(namespaceKey); n != nil && n.Value.Compare(ns) == 0 {
			return true
		}
	}
	return false
}
