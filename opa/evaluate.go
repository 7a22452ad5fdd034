package opa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/auditfleet/auditfleet/result"
)

// Evaluate runs every control against one host's input (a facts document
// as an ast.Value, see Input and InputJSON) at evaluation time now, and
// returns one result per control, sorted by control ID. A control that
// cannot be assessed for want of what it requires gets its result from
// the gate (gate.go) without evaluation. A control that depends on others
// is evaluated after them, with their final results as
// input.results[id]. A control whose policy fails to evaluate, or yields
// no result, or a result that is not {"status", "evidence", "sources"}
// with a known status, gets status error with evidence saying why; it is
// never dropped. The error return is for the evaluation as a whole (e.g.
// a cancelled context).
func (e *Engine) Evaluate(ctx context.Context, input ast.Value, now time.Time) ([]result.Result, error) {
	if input == nil {
		return nil, errors.New("evaluate: no input")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	host := readHostInputs(input)
	out := make([]result.Result, len(e.controls))
	for n, lv := range e.levels {
		in := input
		if n > 0 {
			in = withResults(input, e.dependencyResults(lv, out))
		}
		opts := []rego.EvalOption{rego.EvalParsedInput(in), rego.EvalTime(now), rego.EvalMetrics(metrics.NoOp())}
		if err := e.evaluateLevel(ctx, lv, host, opts, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// evaluateLevel fills out with the results of the controls of lv: from the
// gate, else from one query for the controls left.
func (e *Engine) evaluateLevel(ctx context.Context, lv level, host hostInputs, opts []rego.EvalOption, out []result.Result) error {
	todo := make([]int, 0, len(lv.controls))
	for _, i := range lv.controls {
		if r, gated := e.gate(&e.controls[i], host); gated {
			out[i] = r
			continue
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return nil
	}
	query, queried := lv.query, lv.controls
	if len(todo) < len(lv.controls) {
		if q, err := e.subsetQuery(ctx, todo); err == nil {
			query, queried = q, todo
		}
		// Otherwise (past maxSubsets, or a query that will not prepare)
		// the level's query serves, and the gated controls' values are
		// set aside.
	}
	values, err := eval(ctx, query, opts)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("evaluate: %w", ctx.Err())
		}
		// One policy broke the combined query (e.g. conflicting values):
		// evaluate the controls one by one so that only it reports error.
		return e.evaluateEach(ctx, todo, opts, out)
	}
	if len(values) != len(queried) {
		return fmt.Errorf("evaluate: query returned %d results for %d controls", len(values), len(queried))
	}
	next := 0
	for k, i := range queried {
		if next < len(todo) && todo[next] == i {
			out[i] = e.build(e.controls[i].meta, values[k], nil)
			next++
		}
	}
	return nil
}

// evaluateEach evaluates the controls idx one query each.
func (e *Engine) evaluateEach(ctx context.Context, idx []int, opts []rego.EvalOption, out []result.Result) error {
	for _, i := range idx {
		c := e.controls[i]
		q, err := c.query()
		if err != nil {
			out[i] = e.build(c.meta, nil, err)
			continue
		}
		values, err := eval(ctx, q, opts)
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("evaluate: %w", ctx.Err())
		}
		var v *ast.Term
		if err == nil && len(values) == 1 {
			v = values[0]
		}
		out[i] = e.build(c.meta, v, err)
	}
	return nil
}

// resultsKey is input.results, where a control finds the final results of
// the controls it depends on.
var resultsKey = ast.StringTerm("results")

// dependencyResults returns the final results, in out, of the controls
// those of lv depend on, as {id: {"status": s, "evidence": [...]}}.
func (e *Engine) dependencyResults(lv level, out []result.Result) ast.Object {
	byID := make(map[string]result.Result, len(out))
	for _, r := range out {
		byID[r.ControlID] = r
	}
	obj := ast.NewObject()
	for _, i := range lv.controls {
		for _, id := range e.controls[i].meta.Depends {
			r := byID[id]
			evidence := make([]*ast.Term, len(r.Evidence))
			for k, ev := range r.Evidence {
				evidence[k] = ast.ObjectTerm(
					ast.Item(ast.InternedTerm("subject"), ast.StringTerm(ev.Subject)),
					ast.Item(ast.InternedTerm("detail"), ast.StringTerm(ev.Detail)),
					ast.Item(ast.InternedTerm("fact"), ast.StringTerm(ev.Fact)),
				)
			}
			obj.Insert(ast.StringTerm(id), ast.ObjectTerm(
				ast.Item(ast.InternedTerm("status"), ast.StringTerm(string(r.Status))),
				ast.Item(ast.InternedTerm("evidence"), ast.ArrayTerm(evidence...)),
			))
		}
	}
	return obj
}

// withResults returns input with input.results set to results, leaving
// input itself unchanged. An input that is not an object is returned as
// it is: its dependents then find no results and report error.
func withResults(input ast.Value, results ast.Object) ast.Value {
	obj, ok := input.(ast.Object)
	if !ok {
		return input
	}
	out := ast.NewObjectWithCapacity(obj.Len() + 1)
	obj.Foreach(func(k, v *ast.Term) {
		if !k.Equal(resultsKey) {
			out.Insert(k, v)
		}
	})
	out.Insert(resultsKey, ast.NewTerm(results))
	return out
}

// eval runs a prepared query of the form results := [[x | x := ...], ...]
// and returns the elements of results.
func eval(ctx context.Context, q rego.PreparedEvalQuery, opts []rego.EvalOption) ([]*ast.Term, error) {
	rs, err := q.Eval(ctx, opts...)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("query returned %d result sets, want 1", len(rs))
	}
	t, ok := rs[0].Bindings["results"].(*ast.Term)
	if !ok {
		return nil, fmt.Errorf("query returned %T, want an AST term", rs[0].Bindings["results"])
	}
	arr, ok := t.Value.(*ast.Array)
	if !ok {
		return nil, fmt.Errorf("query returned %s, want an array", ast.ValueName(t.Value))
	}
	out := make([]*ast.Term, arr.Len())
	for i := range out {
		out[i] = arr.Elem(i)
	}
	return out, nil
}

// build turns one control's [result] (an array of zero or one values)
// into a Result; evalErr is the control's own evaluation error, if any.
func (e *Engine) build(meta result.Control, v *ast.Term, evalErr error) result.Result {
	r := e.base(meta)
	var problem string
	switch {
	case evalErr != nil:
		problem = fmt.Sprintf("policy evaluation failed: %v", evalErr)
	case v == nil:
		problem = "policy evaluation returned nothing"
	default:
		status, evidence, sources, err := decode(v)
		if err != nil {
			problem = err.Error()
		} else {
			r.Status, r.Evidence, r.Sources = status, evidence, sources
		}
	}
	if problem != "" {
		r.Status = result.Error
		r.Evidence = []result.Evidence{{
			Subject: "policy",
			Detail:  fmt.Sprintf("%s (package %s, revision %s)", problem, meta.Package, e.revision),
			Fact:    "",
		}}
	}
	return r
}

// base is a result of the control meta with its metadata and no outcome.
func (e *Engine) base(meta result.Control) result.Result {
	return result.Result{
		ControlID:      meta.ID,
		Title:          meta.Title,
		Area:           meta.Area,
		Severity:       meta.Severity,
		Priority:       meta.Severity.Priority(),
		Remediation:    meta.Remediation,
		Mappings:       cloneMappings(meta.Mappings),
		PolicyRevision: e.revision,
	}
}

// decode reads [result] where result is {"status": s, "evidence": [...],
// "sources": {...}}.
func decode(v *ast.Term) (result.Status, []result.Evidence, map[string]string, error) {
	arr, ok := v.Value.(*ast.Array)
	if !ok {
		return "", nil, nil, fmt.Errorf("policy returned %s, want a result", ast.ValueName(v.Value))
	}
	switch arr.Len() {
	case 0:
		return "", nil, nil, fmt.Errorf("policy defined no %s for this input", ResultRule)
	case 1:
	default:
		return "", nil, nil, fmt.Errorf("policy returned %d values of %s", arr.Len(), ResultRule)
	}
	obj, ok := arr.Elem(0).Value.(ast.Object)
	if !ok {
		return "", nil, nil, fmt.Errorf("%s is %s, want an object", ResultRule, ast.ValueName(arr.Elem(0).Value))
	}
	var (
		status   result.Status
		evidence = []result.Evidence{}
		sources  map[string]string
		problems []string
	)
	s, ok := stringAt(obj, "status")
	status = result.Status(s)
	if !ok || !status.Valid() {
		problems = append(problems, fmt.Sprintf("%s.status is %s, want one of pass, fail, warn, not_assessed, error", ResultRule, describe(obj.Get(ast.InternedTerm("status")))))
	}
	switch ev := obj.Get(ast.InternedTerm("evidence")); {
	case ev == nil:
		problems = append(problems, ResultRule+".evidence is missing")
	default:
		list, ok := ev.Value.(*ast.Array)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s.evidence is %s, want an array", ResultRule, ast.ValueName(ev.Value)))
			break
		}
		for i := range list.Len() {
			item, ok := list.Elem(i).Value.(ast.Object)
			subject, okS := stringAt(item, "subject")
			detail, okD := stringAt(item, "detail")
			fact, okF := stringAt(item, "fact")
			if !ok || !okS || !okD || (!okF && item.Get(ast.InternedTerm("fact")) != nil) {
				problems = append(problems, fmt.Sprintf("%s.evidence[%d] is %s, want {subject, detail, fact} strings", ResultRule, i, describe(list.Elem(i))))
				continue
			}
			evidence = append(evidence, result.Evidence{Subject: subject, Detail: detail, Fact: fact})
		}
	}
	if src := obj.Get(ast.InternedTerm("sources")); src != nil {
		m, ok := src.Value.(ast.Object)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s.sources is %s, want an object of strings", ResultRule, ast.ValueName(src.Value)))
		} else if m.Len() > 0 {
			sources = make(map[string]string, m.Len())
			m.Foreach(func(k, v *ast.Term) {
				ks, okK := k.Value.(ast.String)
				vs, okV := v.Value.(ast.String)
				if !okK || !okV {
					problems = append(problems, fmt.Sprintf("%s.sources[%v] is %s, want a string", ResultRule, k, ast.ValueName(v.Value)))
					return
				}
				sources[string(ks)] = string(vs)
			})
		}
	}
	if len(problems) > 0 {
		return "", nil, nil, errors.New("ill-typed result: " + strings.Join(problems, "; "))
	}
	return status, evidence, sources, nil
}

// stringAt returns obj[key] when it is a string.
func stringAt(obj ast.Object, key string) (string, bool) {
	if obj == nil {
		return "", false
	}
	t := obj.Get(ast.InternedTerm(key))
	if t == nil {
		return "", false
	}
	s, ok := t.Value.(ast.String)
	return string(s), ok
}

// describe renders a term for an error message, briefly.
func describe(t *ast.Term) string {
	if t == nil {
		return "missing"
	}
	s := t.String()
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
