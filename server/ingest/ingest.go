package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/schemas"
	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// ErrInvalid wraps every reason a report is refused as bad input.
var ErrInvalid = assess.ErrInvalid

// ErrConflict is returned when a report ID was already used for a report
// with different content.
var ErrConflict = errors.New("report ID already used")

// ErrSchema wraps a namespace that fails its facts schema.
var ErrSchema = errors.New("facts fail their schema")

// ErrUnknownNamespace wraps a facts namespace that has no schema: a report
// carrying one is refused as invalid, naming it.
var ErrUnknownNamespace = schemas.ErrUnknownNamespace

// Host is what ingest needs to know of the sending host.
type Host struct {
	ID   objkey.HostID
	Name string
	Tags map[string]string
}

// Ingester stores and evaluates reports.
type Ingester struct {
	Store store.Backend
	// Policies returns the snapshot of policies and organisation data
	// reports are assessed against.
	Policies func(ctx context.Context) (*assess.Policies, error)
	// ValidateFacts checks one namespace's facts against its schema; nil
	// skips schema checks. For a namespace it has no schema for it returns
	// an error wrapping ErrUnknownNamespace, and the report is refused.
	ValidateFacts func(namespace string, factsJSON []byte) error
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
	report, rid, err := in.decode(body, now)
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

	card, err := in.assess(ctx, h, report, now)
	if err != nil {
		return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
	}
	rec := Record{HostID: h.ID.String(), CycleID: c.String(), Host: *card}
	if _, err := store.PutJSON(ctx, in.Store, resultsKey, rec, in.evidence(now)); err != nil && !errors.Is(err, store.ErrExists) {
		return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
	}
	rc.Summary = card.Summary
	return rc, nil
}

// decode parses and validates a facts document (assess.DecodeChecked),
// each namespace against its schema before its policy input is built (an
// unknown namespace is refused without decoding it further), then its
// report ID and collection time.
func (in *Ingester) decode(body []byte, now time.Time) (*assess.Report, objkey.ReportID, error) {
	var check func(ns string, raw []byte) error
	if in.ValidateFacts != nil {
		check = func(ns string, raw []byte) error {
			err := in.ValidateFacts(ns, raw)
			switch {
			case errors.Is(err, ErrUnknownNamespace):
				return fmt.Errorf("facts.%s: %w; a collector's facts are accepted only with its schema (facts.schemas_dir in the server configuration)", ns, err)
			case err != nil:
				return fmt.Errorf("%w: facts.%s: %v", ErrSchema, ns, err)
			}
			return nil
		}
	}
	r, err := assess.DecodeChecked(body, check)
	if err != nil {
		return nil, objkey.ReportID{}, err
	}
	doc := &r.Doc
	rid, err := objkey.ParseReportID(doc.ReportID)
	if err != nil {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: report_id: %v", ErrInvalid, err)
	}
	if doc.CollectedAt.After(now.Add(time.Hour)) {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: collected_at %s is in the future", ErrInvalid, doc.CollectedAt.Format(time.RFC3339))
	}
	return r, rid, nil
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

// assess assesses the report with the policies in force. The host
// reported in this cycle, so it has missed none in a row (ICO-MON-02);
// hosts that stay silent are counted when the cycle closes.
func (in *Ingester) assess(ctx context.Context, h Host, r *assess.Report, now time.Time) (*scorecard.Host, error) {
	pol, err := in.Policies(ctx)
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	missed := 0
	return assess.Assess(ctx, r, assess.Host{ID: h.ID.String(), Name: h.Name, Tags: h.Tags, MissedCycles: &missed}, pol, now)
}
