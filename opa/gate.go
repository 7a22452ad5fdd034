package opa

import (
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/result"
)

// The gate decides, from a control's custom.requires and before any Rego
// is evaluated, the result of a control that cannot be assessed for a
// host:
//
//   - error, when a collector error names a required facts namespace: one
//     evidence item per failure, worded as lib.error_result words it;
//   - not_assessed, when a required facts namespace is absent from
//     input.facts, null or not an object (saying why the collector had
//     nothing to read when input.collectors.<ns>.not_applicable says so);
//   - not_assessed, when the facts are there but a required kind of
//     organisation data is absent from data.org.
//
// Only the other controls are evaluated, so a policy never handles the
// absence of what it requires.

// hostInputs is what the gate reads of one host's input.
type hostInputs struct {
	facts      ast.Object
	collectors ast.Object
	// failures are the entries of input.collector_errors, by namespace.
	failures map[string][]ast.Object
}

// Keys of the input the gate reads.
var (
	factsKey           = ast.StringTerm("facts")
	collectorsKey      = ast.StringTerm("collectors")
	collectorErrorsKey = ast.StringTerm("collector_errors")
	namespaceKey       = ast.StringTerm("namespace")
	notApplicableKey   = ast.StringTerm("not_applicable")
)

// readHostInputs reads the facts, collector runs and collector errors of
// input; parts that are missing or not shaped as JSON documents are left
// empty.
func readHostInputs(input ast.Value) hostInputs {
	var h hostInputs
	obj, ok := input.(ast.Object)
	if !ok {
		return h
	}
	h.facts, _ = valueAt(obj, factsKey).(ast.Object)
	h.collectors, _ = valueAt(obj, collectorsKey).(ast.Object)
	// lib.failed reads the entries of an object as it reads those of a
	// list; so does the gate.
	var entries []*ast.Term
	switch v := valueAt(obj, collectorErrorsKey).(type) {
	case *ast.Array:
		for i := range v.Len() {
			entries = append(entries, v.Elem(i))
		}
	case ast.Object:
		v.Foreach(func(_, e *ast.Term) { entries = append(entries, e) })
	}
	for _, t := range entries {
		e, ok := t.Value.(ast.Object)
		if !ok {
			continue
		}
		ns, ok := valueAt(e, namespaceKey).(ast.String)
		if !ok {
			continue
		}
		if h.failures == nil {
			h.failures = map[string][]ast.Object{}
		}
		h.failures[string(ns)] = append(h.failures[string(ns)], e)
	}
	return h
}

// gate returns the result of control c for the host, and true, when c
// cannot be assessed (see above); false when it is to be evaluated.
func (e *Engine) gate(c *control, h hostInputs) (result.Result, bool) {
	var failed, missing []result.Evidence
	for _, ns := range c.meta.Requires.Facts {
		for _, f := range h.failures[ns] {
			failed = append(failed, failureEvidence(ns, f))
		}
		if len(failed) == 0 {
			if ev, ok := missingEvidence(ns, valueAt(h.facts, ast.StringTerm(ns)), h.collectors); ok {
				missing = append(missing, ev)
			}
		}
	}
	r := e.base(c.meta)
	switch {
	case len(failed) > 0:
		r.Status, r.Evidence = result.Error, failed
	case len(missing) > 0:
		r.Status, r.Evidence = result.NotAssessed, missing
	case len(c.orgMissing) > 0:
		r.Status, r.Evidence = result.NotAssessed, slices.Clone(c.orgMissing)
	default:
		return result.Result{}, false
	}
	return r, true
}

// failureEvidence words one collector error for namespace ns as
// lib.error_result does.
func failureEvidence(ns string, f ast.Object) result.Evidence {
	collector := textAt(f, "collector", ns)
	return result.Evidence{
		Subject: collector,
		Detail: fmt.Sprintf("collector %s failed (%s): %s; the %s facts are missing",
			collector, textAt(f, "kind", "unknown"), textAt(f, "message", "no message"), ns),
		Fact: ns,
	}
}

// missingEvidence returns the evidence for the facts v of namespace ns
// when they cannot be assessed: absent (nil or null) or not an object.
func missingEvidence(ns string, v ast.Value, collectors ast.Object) (result.Evidence, bool) {
	switch v.(type) {
	case ast.Object:
		return result.Evidence{}, false
	case nil, ast.Null:
		return absentEvidence(ns, collectors), true
	}
	return result.Evidence{
		Subject: ns,
		Detail:  fmt.Sprintf("the %s facts in this report are a JSON %s, not an object, so the control could not be assessed", ns, ast.ValueName(v)),
		Fact:    ns,
	}, true
}

// absentEvidence says that the facts of namespace ns are not in the report
// and, when its collector said so, why.
func absentEvidence(ns string, collectors ast.Object) result.Evidence {
	why := ""
	if run, ok := valueAt(collectors, ast.StringTerm(ns)).(ast.Object); ok {
		if reason, ok := valueAt(run, notApplicableKey).(ast.String); ok && reason != "" {
			why = fmt.Sprintf(" (%s collector: not applicable: %s)", textAt(run, "collector", ns), string(reason))
		}
	}
	return result.Evidence{
		Subject: ns,
		Detail:  fmt.Sprintf("no %s facts in this report%s, so the control could not be assessed", ns, why),
		Fact:    ns,
	}
}

// orgNouns names the kinds of organisation data in evidence.
var orgNouns = map[string]string{
	"thresholds":      "thresholds",
	"leavers":         "leavers list",
	"approved_admins": "approved-admin list",
	"plans":           "continuity plan register",
	"data_stores":     "data-store register",
	"host_tags":       "host tag register",
	"baseline":        "secure baseline",
}

// orgEvidence says that the organisation data has no kind.
func orgEvidence(kind string) result.Evidence {
	noun, ok := orgNouns[kind]
	if !ok {
		noun = kind + " data"
	}
	return result.Evidence{
		Subject: kind,
		Detail:  fmt.Sprintf("no %s in the organisation data (data.org.%s), so the control could not be assessed", noun, kind),
		Fact:    "data.org." + kind,
	}
}

// orgMissing returns the evidence for each kind of kinds that org, the
// data.org document, lacks (absent or null).
func orgMissing(kinds []string, org any) []result.Evidence {
	doc, _ := org.(map[string]any)
	var out []result.Evidence
	for _, k := range kinds {
		if doc[k] == nil {
			out = append(out, orgEvidence(k))
		}
	}
	return out
}

// valueAt returns obj[key], or nil when obj is nil or lacks key.
func valueAt(obj ast.Object, key *ast.Term) ast.Value {
	if obj == nil {
		return nil
	}
	if t := obj.Get(key); t != nil {
		return t.Value
	}
	return nil
}

// textAt returns obj[key] as text: a string as it is, another value as
// Rego prints it, def when absent.
func textAt(obj ast.Object, key, def string) string {
	switch v := valueAt(obj, ast.StringTerm(key)).(type) {
	case nil:
		return def
	case ast.String:
		return string(v)
	default:
		return v.String()
	}
}
