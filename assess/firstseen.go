package assess

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/firstseen"
	"github.com/auditfleet/auditfleet/opa"
)

// patchingNamespace is the facts namespace of pending updates.
const patchingNamespace = "patching"

// pendingFacts is the part of the patching facts first sightings concern.
type pendingFacts struct {
	Pending []struct {
		Package   string `json:"package"`
		Candidate string `json:"candidate_version"`
		Since     string `json:"pending_since"`
	} `json:"pending"`
}

// PendingUpdates lists the report's pending security updates, to fold
// into the host's firstseen.Record.
func (r *Report) PendingUpdates() []firstseen.Update {
	var p pendingFacts
	if raw, ok := r.Doc.Facts[patchingNamespace]; !ok || json.Unmarshal(raw, &p) != nil {
		return nil
	}
	out := make([]firstseen.Update, 0, len(p.Pending))
	for _, u := range p.Pending {
		out = append(out, firstseen.Update{Package: u.Package, Candidate: u.Candidate})
	}
	return out
}

// UseFirstSeen moves the pending_since of each pending update back to its
// first sighting in rec (the host's earlier reports) where that is
// earlier than what the collector could show, and names the source in
// pending_since_source; where says whose record it is ("the server's
// record", "this agent's record"). Only the policies' input changes: the
// facts as stored stay as the agent sent them, and the results say where
// each date comes from.
func (r *Report) UseFirstSeen(rec *firstseen.Record, where string) error {
	raw, ok := r.Doc.Facts[patchingNamespace]
	if !ok || rec == nil || len(rec.Updates) == 0 {
		return nil
	}
	var p pendingFacts
	var whole map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil // not the shape a pending list has: the schema check reports it
	}
	if err := json.Unmarshal(raw, &whole); err != nil {
		return nil
	}
	list, _ := whole["pending"].([]any)
	changed := false
	for i, u := range p.Pending {
		s, ok := rec.Lookup(firstseen.Update{Package: u.Package, Candidate: u.Candidate})
		if !ok || i >= len(list) {
			continue
		}
		if since, err := time.Parse(time.RFC3339Nano, u.Since); err == nil && !s.At.Before(since) {
			continue
		}
		item, ok := list[i].(map[string]any)
		if !ok {
			continue
		}
		item["pending_since"] = s.At.UTC().Format(time.RFC3339)
		item["pending_since_source"] = fmt.Sprintf("first seen pending in report %s collected %s (%s)", s.Report, s.At.UTC().Format(time.RFC3339), where)
		changed = true
	}
	if !changed {
		return nil
	}
	b, err := json.Marshal(whole)
	if err != nil {
		return fmt.Errorf("first sightings: %w", err)
	}
	v, err := opa.InputJSON(b)
	if err != nil {
		return fmt.Errorf("first sightings: %w", err)
	}
	r.input = replaceFact(r.input, patchingNamespace, v)
	return nil
}

// replaceFact returns a copy of input whose facts namespace ns is v (new
// objects, so no cached hash is stale; the other terms are shared).
func replaceFact(input ast.Object, ns string, v ast.Value) ast.Object {
	out := ast.NewObject()
	input.Foreach(func(k, t *ast.Term) {
		if k.Value.Compare(ast.String("facts")) != 0 {
			out.Insert(k, t)
			return
		}
		old, _ := t.Value.(ast.Object)
		facts := ast.NewObject()
		if old != nil {
			old.Foreach(func(fk, ft *ast.Term) {
				if fk.Value.Compare(ast.String(ns)) != 0 {
					facts.Insert(fk, ft)
				}
			})
		}
		facts.Insert(ast.StringTerm(ns), ast.NewTerm(v))
		out.Insert(k, ast.NewTerm(facts))
	})
	return out
}
