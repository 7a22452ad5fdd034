package ingest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/firstseen"
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
	// Stored maps the IDs of the host's recent stored reports to their
	// cycles, so a report sent again after a cycle boundary (its answer
	// was lost) is recognised as the same report, not stored twice.
	Stored map[string]objkey.CycleID
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
	// Next returns the cycle after c: a report whose cycle has started
	// to close is filed there, so nothing is stored in a cycle that will
	// not score it. Nil refuses such a report with ErrClosed.
	Next func(c objkey.CycleID) (objkey.CycleID, error)
	// Previous returns the cycle before c, where a report sent again
	// after a boundary may have been partly stored by a request that died
	// (see resume). Nil looks only in the cycle the report arrives in.
	Previous func(c objkey.CycleID) (objkey.CycleID, error)
	// MaxAge bounds how long before its arrival a report may have been
	// collected (default DefaultMaxAge); older reports are refused.
	MaxAge time.Duration
	// Log receives warnings (nil: none).
	Log *slog.Logger
	Now func() time.Time
}

// DefaultMaxAge is how old a report may be by default: an agent's spool
// keeps reports while the server is away, but evidence older than a week
// says little about the host today.
const DefaultMaxAge = 7 * 24 * time.Hour

// ErrClosed means the report's cycle was closed and there is no next
// cycle to file it in.
var ErrClosed = errors.New("cycle already closed")

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

// Ingest validates, evaluates and stores one report from host h, received
// during cycle c. If c has started to close, the report is filed in the
// next cycle (Receipt.CycleID says which), never stored where it would not
// be scored: an in-flight marker tells the closer to wait for it.
func (in *Ingester) Ingest(ctx context.Context, h Host, c objkey.CycleID, body []byte) (Receipt, error) {
	now := in.now()
	report, rid, err := in.decode(body, now)
	if err != nil {
		return Receipt{}, err
	}
	if prev, ok := h.Stored[rid.String()]; ok {
		c = prev // sent again: answer from where it is stored
	} else {
		var (
			done func()
			rc   *Receipt
		)
		if c, done, rc, err = in.resume(ctx, c, h.ID, rid, body); err != nil {
			return Receipt{}, err
		}
		defer done()
		if rc != nil {
			return *rc, nil
		}
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

	seen, err := in.firstSeen(ctx, h.ID)
	if err != nil {
		return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
	}
	if err := report.UseFirstSeen(&seen, "the server's record of this host's reports"); err != nil {
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
	if err := in.recordFirstSeen(ctx, h.ID, report, rid); err != nil {
		return Receipt{}, fmt.Errorf("ingest report %s of %s: %w", rid, h.ID, err)
	}
	rc.Summary = card.Summary
	return rc, nil
}

// firstSeen reads host h's record of first sightings (empty if it has
// none). An unreadable record is an error, not an empty one: without it
// pending updates would look newer than they are.
func (in *Ingester) firstSeen(ctx context.Context, h objkey.HostID) (firstseen.Record, error) {
	var rec firstseen.Record
	if _, err := store.GetJSON(ctx, in.Store, objkey.FirstSeen(h), &rec); err != nil && !errors.Is(err, store.ErrNotFound) {
		return firstseen.Record{}, fmt.Errorf("first sightings of pending updates: %w", err)
	}
	return rec, nil
}

// recordFirstSeen folds the report's pending updates into host h's
// record, by compare-and-swap so that concurrent reports of one host
// lose no sighting. A host with nothing pending and nothing recorded gets
// no record (one write fewer per report).
func (in *Ingester) recordFirstSeen(ctx context.Context, h objkey.HostID, r *assess.Report, rid objkey.ReportID) error {
	key := objkey.FirstSeen(h)
	for attempt := 1; ; attempt++ {
		var cur firstseen.Record
		o, err := store.GetJSON(ctx, in.Store, key, &cur)
		opts := store.PutOptions{IfMatch: o.ETag}
		switch {
		case errors.Is(err, store.ErrNotFound):
			opts = store.PutOptions{IfAbsent: true}
		case err != nil:
			return fmt.Errorf("first sightings of pending updates: %w", err)
		}
		pending := r.PendingUpdates()
		if len(pending) == 0 && len(cur.Updates) == 0 {
			return nil // nothing pending, nothing to forget: no write
		}
		next := cur.Apply(h.String(), pending, r.Doc.CollectedAt, rid.String())
		_, err = store.PutJSON(ctx, in.Store, key, next, opts)
		if err == nil {
			return nil
		}
		if !(errors.Is(err, store.ErrChanged) || errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrNotFound)) || attempt == 20 {
			return fmt.Errorf("first sightings of pending updates: %w", err)
		}
	}
}

// resume marks report rid of host h in flight (enter) in the cycle where
// a request that died (server killed, store down) may have stored part of
// it — c or the cycle before — else in c. When that cycle has started to
// close meanwhile, the earlier attempt's objects there are settled first:
// complete ones (facts and results) were scored by the close, so the
// report is a duplicate answered from there (rc set); facts without
// results were not scored, so they are deleted and the report is filed
// in the open cycle, stored once and scored once.
func (in *Ingester) resume(ctx context.Context, c objkey.CycleID, h objkey.HostID, rid objkey.ReportID, body []byte) (objkey.CycleID, func(), *Receipt, error) {
	candidates := []objkey.CycleID{c}
	if in.Previous != nil {
		if p, err := in.Previous(c); err == nil {
			candidates = append(candidates, p)
		}
	}
	start := c
	found := false
	for _, cand := range candidates {
		_, err := in.Store.Stat(ctx, objkey.Facts(cand, h, rid))
		if err == nil {
			start, found = cand, true
			break
		}
		if !errors.Is(err, store.ErrNotFound) {
			return c, nil, nil, fmt.Errorf("ingest report %s of %s: %w", rid, h, err)
		}
	}
	filed, done, err := in.enter(ctx, start, h, rid)
	if err != nil || !found || filed == start {
		return filed, done, nil, err
	}
	// An earlier attempt stored facts in start, which is closing.
	var rec Record
	_, err = store.GetJSON(ctx, in.Store, objkey.Results(start, h, rid), &rec)
	switch {
	case err == nil:
		stored, _, err := store.GetBytes(ctx, in.Store, objkey.Facts(start, h, rid))
		if err != nil {
			done()
			return c, nil, nil, fmt.Errorf("ingest report %s of %s: %w", rid, h, err)
		}
		if !bytes.Equal(stored, body) {
			done()
			return c, nil, nil, fmt.Errorf("%w: report %s was already stored with different content", ErrConflict, rid)
		}
		return start, done, &Receipt{ReportID: rid.String(), CycleID: start.String(), Duplicate: true, Summary: rec.Summary}, nil
	case !errors.Is(err, store.ErrNotFound):
		done()
		return c, nil, nil, fmt.Errorf("ingest report %s of %s: %w", rid, h, err)
	}
	if err := in.Store.Delete(ctx, objkey.Facts(start, h, rid)); err != nil && !errors.Is(err, store.ErrNotFound) {
		// Locked by retention: the facts stay, without results, so the
		// closed cycle never scored them; the report is scored in filed.
		if in.Log != nil {
			in.Log.Warn("facts of an interrupted report kept in a closed cycle without results", "report_id", rid.String(), "host_id", h.String(), "cycle", start.String(), "filed_in", filed.String(), "err", err)
		}
	}
	return filed, done, nil, nil
}

// maxRefile bounds how many closing cycles a report skips.
const maxRefile = 3

// enter marks report rid of host h as in flight in cycle c, or in the
// first cycle after c that has not started to close, and returns that
// cycle and the function that removes the mark. The mark is written
// before the closing marker is checked, and the closer writes its marker
// before it looks for marks, so of a report and a close racing each
// other, either the report sees the marker and moves on, or the closer
// sees the mark and waits for the report.
func (in *Ingester) enter(ctx context.Context, c objkey.CycleID, h objkey.HostID, rid objkey.ReportID) (objkey.CycleID, func(), error) {
	for range maxRefile {
		mark := objkey.InFlight(c, h, rid)
		if _, err := store.PutBytes(ctx, in.Store, mark, []byte("{}"), store.PutOptions{}); err != nil {
			return c, nil, fmt.Errorf("ingest report %s of %s: mark in flight: %w", rid, h, err)
		}
		leave := func() {
			// Remove the mark even if the request was cancelled: a stale
			// mark only delays the close until it expires.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = in.Store.Delete(ctx, mark)
		}
		_, err := in.Store.Stat(ctx, objkey.Closing(c))
		switch {
		case errors.Is(err, store.ErrNotFound):
			return c, leave, nil
		case err != nil:
			leave()
			return c, nil, fmt.Errorf("ingest report %s of %s: %w", rid, h, err)
		}
		leave()
		if in.Next == nil {
			return c, nil, fmt.Errorf("%w: cycle %s", ErrClosed, c)
		}
		next, err := in.Next(c)
		if err != nil {
			return c, nil, fmt.Errorf("ingest report %s of %s: cycle after %s: %w", rid, h, c, err)
		}
		c = next
	}
	return c, nil, fmt.Errorf("%w: cycle %s and the %d before it are closing", ErrClosed, c, maxRefile)
}

// Discard deletes the facts and results of report rid of host h in cycle
// c, as when the host was revoked or decommissioned while the report was
// being stored. Objects already gone are no error.
func (in *Ingester) Discard(ctx context.Context, h objkey.HostID, c objkey.CycleID, rid string) error {
	id, err := objkey.ParseReportID(rid)
	if err != nil {
		return fmt.Errorf("discard report %q of %s: %w", rid, h, err)
	}
	for _, key := range []string{objkey.Results(c, h, id), objkey.Facts(c, h, id)} {
		if err := in.Store.Delete(ctx, key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("discard report %s of %s: %w", rid, h, err)
		}
	}
	return nil
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
	maxAge := cmp.Or(in.MaxAge, DefaultMaxAge)
	if doc.CollectedAt.Before(now.Add(-maxAge)) {
		return nil, objkey.ReportID{}, fmt.Errorf("%w: collected_at %s is more than %s before the server's time %s (limits.max_report_age in the server configuration)",
			ErrInvalid, doc.CollectedAt.Format(time.RFC3339), maxAge, now.Format(time.RFC3339))
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

// Latest returns the results host h stored in cycle c that were collected
// last, and whether there were any. Of reports collected at the same
// time, the one with the greatest report ID counts, so the choice does not
// depend on listing order or on which replica answers.
func Latest(ctx context.Context, st store.Backend, c objkey.CycleID, h objkey.HostID) (Record, bool, error) {
	var (
		best  Record
		found bool
	)
	for o, err := range st.List(ctx, objkey.HostResults(c, h)) {
		if err != nil {
			return Record{}, false, fmt.Errorf("results of %s in %s: %w", h, c, err)
		}
		var rec Record
		if _, err := store.GetJSON(ctx, st, o.Key, &rec); err != nil {
			return Record{}, false, fmt.Errorf("results of %s in %s: %w", h, c, err)
		}
		if !found || later(rec.Host, best.Host) {
			best, found = rec, true
		}
	}
	return best, found, nil
}

// later reports whether a was collected after b (ties: the greater
// report ID).
func later(a, b scorecard.Host) bool {
	if !a.CollectedAt.Equal(b.CollectedAt) {
		return a.CollectedAt.After(b.CollectedAt)
	}
	return a.ReportID > b.ReportID
}
