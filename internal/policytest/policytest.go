package policytest

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// Doc is what a test puts in a facts document.
type Doc struct {
	// Host is the document's host object; nil leaves it out.
	Host map[string]any
	// Facts are the facts by namespace.
	Facts map[string]any
}

// Engine compiles the policy catalogue with the organisation data org
// (nil for none).
func Engine(t testing.TB, org map[string]any) *opa.Engine {
	t.Helper()
	e, err := opa.New(context.Background(), policies.FS, opa.Options{Org: org})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Evaluate evaluates e on a facts document (schema version 1, no
// collector records) holding doc at the time at and returns the results
// by control ID. The document is logged if the test fails.
func Evaluate(t testing.TB, e *opa.Engine, doc Doc, at time.Time) map[string]result.Result {
	t.Helper()
	m := map[string]any{
		"schema_version":   1,
		"facts":            doc.Facts,
		"collectors":       map[string]any{},
		"collector_errors": []any{},
	}
	if doc.Host != nil {
		m["host"] = doc.Host
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("facts document: %s", b)
		}
	})
	in, err := opa.InputJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	results, err := e.Evaluate(context.Background(), in, at)
	if err != nil {
		t.Fatal(err)
	}
	byID := make(map[string]result.Result, len(results))
	for _, r := range results {
		if _, dup := byID[r.ControlID]; dup {
			t.Fatalf("two results for %s", r.ControlID)
		}
		byID[r.ControlID] = r
	}
	return byID
}

// Check reports an error for each control in want that has no result
// or a status other than the one wanted.
func Check(t testing.TB, results map[string]result.Result, want map[string]result.Status) {
	t.Helper()
	for _, id := range slices.Sorted(maps.Keys(want)) {
		r, ok := results[id]
		w := want[id]
		switch {
		case !ok:
			t.Errorf("no %s result", id)
		case r.Status != w:
			t.Errorf("%s = %s (%+v), want %s", id, r.Status, r.Evidence, w)
		}
	}
}

// Untrusted says what a control may report on facts from a source that
// was corrupted or hidden (the truth tests): never a pass, never
// not_assessed without a reason, and, unless allowed, no warning and no
// count of zero in its evidence.
type Untrusted struct {
	// WarnOK allows a warning: for a control whose warning is its verdict
	// on what it cannot know.
	WarnOK bool
	// ZeroOK allows evidence saying "0 ...": for a source the count does
	// not come from.
	ZeroOK bool
}

// Check reports an error for each thing the result r of control id may
// not report on untrusted facts; ok false (no result) is one too.
func (u Untrusted) Check(t testing.TB, id string, r result.Result, ok bool) {
	t.Helper()
	switch {
	case !ok:
		t.Errorf("no %s result", id)
		return
	case r.Status == result.Pass, r.Status == result.Warn && !u.WarnOK:
		t.Errorf("%s = %s on a corrupted source, want not_assessed, error or fail: %+v", id, r.Status, r.Evidence)
	case r.Status == result.NotAssessed && len(r.Evidence) == 0:
		t.Errorf("%s not_assessed without a reason", id)
	}
	if !u.ZeroOK && slices.ContainsFunc(r.Evidence, func(e result.Evidence) bool { return strings.HasPrefix(e.Detail, "0 ") }) {
		t.Errorf("%s reports a count of zero on a corrupted source: %+v", id, r.Evidence)
	}
}
