package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// Evaluator evaluates one host's input; *opa.Engine implements it. Each
// result records the policy revision that produced it.
type Evaluator interface {
	Evaluate(ctx context.Context, input ast.Value, now time.Time) ([]result.Result, error)
}

// ErrInvalid wraps every reason a report is refused as bad input.
var ErrInvalid = errors.New("invalid report")

// ErrConflict is returned when a report ID was already used for a report
// with different content.
var ErrConflict = errors.New("report ID already used")

// ErrSchema wraps a namespace that fails its facts schema.
var ErrSchema = errors.New("facts fail their schema")

// Host is what ingest needs to know of the sending host.
type Host struct {
	ID   objkey.HostID
	Name string
	Tags map[string]string
}

// Ingester stores and evaluates reports.
type Ingester struct {
	Store  store.Backend
	Engine Evaluator
	// ValidateFacts checks one namespace's facts against its schema; nil
	// skips schema checks. It returns nil for namespaces it does not know.
	ValidateFacts func(namespace string, factsJSON []byte) error
	// Post adjusts results after evaluation (e.g. applies waivers); nil
	// keeps them as evaluated.
	Post func(h Host, rs []result.Result, now time.Time) []result.Result
	// Retain, when positive, locks facts and results against deletion for
	// this long where the store supports object lock.
	Retain time.Duration
	Now    func() time.Time
}

// evidence returns the put options of an evidence object written at now.
func (in *Ingester) evidence(now time.Time) store.PutOptions {
	o := store.PutOptions{WriteOnce: true}
	if in.Retain > 0 {
		o.Retain = now.Add(in.Retain)
	}
	return o
}

// Receipt acknowledges a stored report.
type Receipt struct {
	ReportID  string            `json:"report_id"`
	CycleID   string            `json:"cycle_id"`
	Duplicate bool              `json:"duplicate,omitempty"`
	Summary   scorecard.Summary `json:"summary"`
}

// Record is the results object written for each report.
type Record struct {
	HostID  string `json:"host_id"`
	CycleID string `json:"cycle_id"`
	scorecard.Host
}

func (in *Ingester) now() time.Time {
	if in.Now != nil {
		return in.Now().UTC()
	}
	return time.Now().UTC()
}

// Ingest validates, evaluates and stores one report from host h in cycle c.
func (in *Ingester) Ingest(ctx context.Context, h Host, c objkey.CycleID, body []byte) (Receipt, error) {
	now := in.now()
	doc, rid, err := in.decode(body, now)
	if err != nil {
		return Receipt{}, err
	}
	if err := in.ensureCycle(ctx, c, now); err != nil {
		return Receipt{}, err
	}
	rc := Receipt{ReportID: rid.String(), CycleID: c.String()}
	factsKey, resultsKey := objkey.Facts(c, h.ID, rid), objkey.Results(c, h.ID, rid)

	_, err = store.PutBytes(ctx, in.Store, factsKey, body, in.evidence(now))
	switch {
	case errors.Is(err, store.ErrExists):
		// The same report ID again: it must be the same report. If its
		// results were stored too there is nothing to do; if a crash came
		// between the two writes, finish the job.
		stored, _, err := store.GetBytes(ctx, in.Store, factsKey)
		if err != nil {
			return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
		}
		if !bytes.Equal(stored, body) {
			return Receipt{}, fmt.Errorf("%w: report %s was already stored with different content", ErrConflict, rid)
		}
		rc.Duplicate = true
		var rec Record
		if _, err := store.GetJSON(ctx, in.Store, resultsKey, &rec); err == nil {
			rc.Summary = rec.Summary
			return rc, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
		}
	case err != nil:
		return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
	}

	results, err := in.evaluate(ctx, h, body, now)
	if err != nil {
		return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
	}
	revision := ""
	if len(results) > 0 {
		revision = results[0].PolicyRevision
	}
	card := scorecard.ForHost(doc, results, now, revision)
	rec := Record{HostID: h.ID.String(), CycleID: c.String(), Host: *card}
	if _, err := store.PutJSON(ctx, in.Store, resultsKey, rec, in.evidence(now)); err != nil && !errors.Is(err, store.ErrExists) {
		return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
	}
	rc.Summary = card.Summary
	return rc, nil
}

// decode parses and validates a facts document.
func (in *Ingester) decode(body []byte, now time.Time) (*facts.Document, objkey.ReportID, error) {
	var doc facts.Document
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: not a facts document: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: trailing data after the facts document", ErrInvalid)
	}
	if doc.SchemaVersion != facts.SchemaVersion {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: schema_version %d is not supported (want %d)", ErrInvalid, doc.SchemaVersion, facts.SchemaVersion)
	}
	rid, err := objkey.ParseReportID(doc.ReportID)
	if err != nil {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: report_id: %v", ErrInvalid, err)
	}
	if doc.CollectedAt.IsZero() || doc.CollectedAt.After(now.Add(time.Hour)) {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: collected_at %s is missing or in the future", ErrInvalid, doc.CollectedAt.Format(time.RFC3339))
	}
	namespaces := make([]string, 0, len(doc.Facts))
	for ns := range doc.Facts {
		namespaces = append(namespaces, ns)
	}
	sort.Strings(namespaces)
	var errs []error
	for _, ns := range namespaces {
		raw := bytes.TrimSpace(doc.Facts[ns])
		if !facts.ValidNamespace(ns) {
			errs = append(errs, fmt.Errorf("facts namespace %q is not valid", ns))
			continue
		}
		if len(raw) == 0 || raw[0] != '{' {
			errs = append(errs, fmt.Errorf("facts.%s must be an object", ns))
			continue
		}
		if in.ValidateFacts != nil {
			if err := in.ValidateFacts(ns, raw); err != nil {
				errs = append(errs, fmt.Errorf("%w: facts.%s: %v", ErrSchema, ns, err))
			}
		}
	}
	for i, ce := range doc.CollectorErrors {
		if ce.Collector == "" || ce.Kind == "" {
			errs = append(errs, fmt.Errorf("collector_errors[%d] needs collector and kind", i))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return &doc, rid, nil
}

// cycleState is the object written when a cycle first receives data.
type cycleState struct {
	CycleID string    `json:"cycle_id"`
	Opened  time.Time `json:"opened"`
}

func (in *Ingester) ensureCycle(ctx context.Context, c objkey.CycleID, now time.Time) error {
	_, err := store.PutJSON(ctx, in.Store, objkey.Cycle(c), cycleState{CycleID: c.String(), Opened: now}, store.PutOptions{WriteOnce: true})
	if err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("open cycle %s: %w", c, err)
	}
	return nil
}

// evaluate runs the policies with the host's identity in input.host.
func (in *Ingester) evaluate(ctx context.Context, h Host, body []byte, now time.Time) ([]result.Result, error) {
	v, err := opa.InputJSON(body)
	if err != nil {
		return nil, fmt.Errorf("prepare input: %w", err)
	}
	obj, ok := v.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("prepare input: not an object")
	}
	tags := ast.NewObject()
	for k, val := range h.Tags {
		tags.Insert(ast.StringTerm(k), ast.StringTerm(val))
	}
	// The host reported in this cycle, so it has missed none in a row
	// (ICO-MON-02); hosts that stay silent are counted when the cycle closes.
	obj.Insert(ast.StringTerm("server"), ast.ObjectTerm(
		ast.Item(ast.StringTerm("missed_cycles"), ast.IntNumberTerm(0)),
	))
	obj.Insert(ast.StringTerm("host"), ast.ObjectTerm(
		ast.Item(ast.StringTerm("id"), ast.StringTerm(h.ID.String())),
		ast.Item(ast.StringTerm("name"), ast.StringTerm(h.Name)),
		ast.Item(ast.StringTerm("tags"), ast.NewTerm(tags)),
	))
	rs, err := in.Engine.Evaluate(ctx, obj, now)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if in.Post != nil {
		rs = in.Post(h, rs, now)
	}
	return rs, nil
}
