package cycle

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
)

// MissedControl is the control for hosts that stop reporting.
const MissedControl = "ICO-MON-02"

// Hosts lists the enrolled hosts; *registry.Registry implements it.
type Hosts interface {
	List(ctx context.Context) iter.Seq2[registry.Host, error]
}

// Closer writes the fleet scorecard of a cycle once it has ended.
type Closer struct {
	Store    store.Backend
	Hosts    Hosts
	Schedule *Schedule
	// Controls is the catalogue, so a control no host reported still
	// counts.
	Controls []result.Control
	// Thresholds are the rating thresholds (zero: the defaults).
	Thresholds scorecard.Thresholds
	// Policies, when set, gives the organisation data in force when the
	// cycle closes: its min_coverage_percent overrides
	// Thresholds.MinCoverage (see assess.Policies.Thresholds).
	Policies func(ctx context.Context) (*assess.Policies, error)
	// MissedCycles is how many consecutive missed cycles fail ICO-MON-02
	// (default 2).
	MissedCycles int
	// Settle bounds how long a close waits for reports still being
	// stored in the cycle (default DefaultSettle); an in-flight mark older
	// than that belongs to a request that died and is ignored.
	Settle time.Duration
	Log    *slog.Logger
	Now    func() time.Time
}

// DefaultSettle is how long a close waits for reports in flight: longer
// than any report request may take.
const DefaultSettle = 2 * time.Minute

// Closed is a cycle's fleet scorecard with the difference from the cycle
// before, as stored at scorecards/<cycle>/fleet.json.
type Closed struct {
	scorecard.Fleet
	// Previous is the cycle compared against, if it had a scorecard.
	Previous string         `json:"previous_cycle,omitempty"`
	Change   scorecard.Diff `json:"change"`
	// Hosts counts enrolled (active) hosts, those that reported, and those
	// that missed MissedCycles or more cycles in a row.
	Enrolled int `json:"enrolled_hosts"`
	Reported int `json:"reported_hosts"`
	Silent   int `json:"silent_hosts"`
	// Cloned are the enrolled hosts whose machine ID other host names
	// tried to enroll with (hosts cloned from one image): those clones are
	// not audited until they get their own identity.
	Cloned []ClonedHost `json:"cloned_hosts,omitempty"`
	// Corrupt are the enrolled hosts whose stored results in the cycle
	// failed their checksum: they are not scored (counted as missing),
	// and the damage is reported here and in the log.
	Corrupt []CorruptHost `json:"corrupt_hosts,omitempty"`
}

// CorruptHost is a host whose results could not be read intact.
type CorruptHost struct {
	Host  string `json:"host"`
	Error string `json:"error"`
}

// ClonedHost is an enrolled host and the host names refused its machine
// ID.
type ClonedHost struct {
	Host   string   `json:"host"`
	Clones []string `json:"clones"`
}

func (c *Closer) now() time.Time {
	if c.Now != nil {
		return c.Now().UTC()
	}
	return time.Now().UTC()
}

// Close computes and stores the fleet scorecard of cycle id. It is safe to
// call from several replicas: the scorecard is written once, and a replica
// that finds it written returns the stored one.
func (c *Closer) Close(ctx context.Context, id objkey.CycleID) (*Closed, error) {
	key := objkey.FleetScorecard(id)
	var existing Closed
	if _, err := store.GetJSON(ctx, c.Store, key, &existing); err == nil {
		return &existing, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("close cycle %s: %w", id, err)
	}
	if err := c.settle(ctx, id); err != nil {
		return nil, fmt.Errorf("close cycle %s: %w", id, err)
	}
	th := c.Thresholds
	if c.Policies != nil {
		p, err := c.Policies(ctx)
		if err != nil {
			return nil, fmt.Errorf("close cycle %s: organisation data: %w", id, err)
		}
		th = p.Thresholds(th)
	}
	fleet, err := scorecard.NewTally(scorecard.Options{Thresholds: th, Controls: c.Controls})
	if err != nil {
		return nil, fmt.Errorf("close cycle %s: %w", id, err)
	}
	missedThreshold := c.MissedCycles
	if missedThreshold <= 0 {
		missedThreshold = 2
	}
	var mon02 *result.Control
	for i := range c.Controls {
		if c.Controls[i].ID == MissedControl {
			mon02 = &c.Controls[i]
		}
	}
	out := &Closed{}
	for h, err := range c.Hosts.List(ctx) {
		if err != nil {
			return nil, fmt.Errorf("close cycle %s: %w", id, err)
		}
		if h.State != registry.Active || h.EnrolledAt.After(id.Time().Add(c.period(id))) {
			continue
		}
		out.Enrolled++
		name := h.Hostname + " (" + h.ID.String() + ")"
		if len(h.Clones) > 0 {
			ch := ClonedHost{Host: name}
			for _, cl := range h.Clones {
				ch.Clones = append(ch.Clones, cl.Hostname)
			}
			out.Cloned = append(out.Cloned, ch)
		}
		rec, found, err := ingest.Latest(ctx, c.Store, id, h.ID)
		if errors.Is(err, store.ErrChecksum) {
			// Which report is the latest cannot be known from altered
			// bytes: the host is not scored, and the damage is reported.
			out.Corrupt = append(out.Corrupt, CorruptHost{Host: name, Error: err.Error()})
			if c.Log != nil {
				c.Log.Error("stored results fail their checksum; host not scored", "cycle", id.String(), "host", name, "err", err)
			}
			fleet.AddMissing(name)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("close cycle %s: %w", id, err)
		}
		if found {
			out.Reported++
			fleet.Add(name, rec.Results)
			continue
		}
		missed := c.missed(h, id)
		if missed >= missedThreshold && mon02 != nil {
			out.Silent++
			last := "never"
			if h.LastReport != nil {
				last = h.LastReport.Format(time.RFC3339)
			}
			fleet.Add(name, []result.Result{{
				ControlID: mon02.ID, Title: mon02.Title, Area: mon02.Area, Severity: mon02.Severity,
				Priority: mon02.Severity.Priority(), Status: result.Fail, Remediation: mon02.Remediation, Mappings: mon02.Mappings,
				Evidence: []result.Evidence{{Subject: h.ID.String(), Detail: fmt.Sprintf("%s missed %d consecutive cycles; last report %s", h.Hostname, missed, last), Fact: "server.missed_cycles"}},
			}})
			continue
		}
		fleet.AddMissing(name)
	}
	card := fleet.Scorecard()
	card.Cycle, card.GeneratedAt = id.String(), c.now()
	out.Fleet = *card
	var prevCard *scorecard.Fleet
	if prev, err := c.Schedule.Previous(id); err == nil {
		var p Closed
		if _, err := store.GetJSON(ctx, c.Store, objkey.FleetScorecard(prev), &p); err == nil {
			prevCard, out.Previous = &p.Fleet, prev.String()
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("close cycle %s: previous scorecard: %w", id, err)
		}
	}
	out.Change = scorecard.Compare(prevCard, card)
	if _, err := store.PutJSON(ctx, c.Store, key, out, store.PutOptions{WriteOnce: true}); err != nil {
		if errors.Is(err, store.ErrExists) {
			return c.Close(ctx, id) // another replica closed it first
		}
		return nil, fmt.Errorf("close cycle %s: %w", id, err)
	}
	if c.Log != nil {
		c.Log.Info("cycle closed", "cycle", id.String(), "rating", card.Overall.Rating, "enrolled", out.Enrolled, "reported", out.Reported, "silent", out.Silent)
		for _, ch := range out.Cloned {
			c.Log.Warn("cloned hosts share a machine ID and are not audited", "cycle", id.String(), "host", ch.Host, "clones", ch.Clones)
		}
	}
	return out, nil
}

// period is the length of cycle id.
func (c *Closer) period(id objkey.CycleID) time.Duration {
	_, next, err := c.Schedule.Current(id.Time())
	if err != nil {
		return 0
	}
	return next.Sub(id.Time())
}

// settle marks cycle id as closing, so that reports arriving from now on
// are filed in the next cycle, and waits until the reports already being
// stored in it are stored (their in-flight marks are gone), or their marks
// are older than Settle.
func (c *Closer) settle(ctx context.Context, id objkey.CycleID) error {
	if _, err := store.PutJSON(ctx, c.Store, objkey.Closing(id), map[string]any{"cycle_id": id.String(), "closing_since": c.now()}, store.PutOptions{WriteOnce: true}); err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("mark closing: %w", err)
	}
	limit := cmp.Or(c.Settle, DefaultSettle)
	deadline := time.Now().Add(limit)
	for wait := 20 * time.Millisecond; ; wait = min(wait*2, time.Second) {
		pending := 0
		for o, err := range c.Store.List(ctx, objkey.CycleInFlight(id)) {
			if err != nil {
				return fmt.Errorf("reports in flight: %w", err)
			}
			if time.Since(o.LastModified) < limit {
				pending++
			}
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			if c.Log != nil {
				c.Log.Warn("closing with reports still in flight", "cycle", id.String(), "reports", pending, "waited", limit)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// maxLookback bounds how many cycles back missed counts.
const maxLookback = 1000

// missed counts the consecutive cycles up to and including id in which h
// did not report, since its last report or its enrollment.
func (c *Closer) missed(h registry.Host, id objkey.CycleID) int {
	n := 0
	for cur := id; n < maxLookback; n++ {
		if cur.String() == h.LastCycle || cur.Time().Add(c.period(cur)).Before(h.EnrolledAt) {
			return n
		}
		prev, err := c.Schedule.Previous(cur)
		if err != nil {
			return n + 1
		}
		cur = prev
	}
	return n
}

// Run closes each cycle when the next one starts, until ctx ends. It
// first closes the cycles that ended while no server ran (CatchUp).
func (c *Closer) Run(ctx context.Context) error {
	if err := c.CatchUp(ctx); err != nil && c.Log != nil {
		c.Log.Error("close missed cycles", "err", err)
	}
	for {
		cur, next, err := c.Schedule.Current(c.now())
		if err != nil {
			return err
		}
		timer := time.NewTimer(time.Until(next) + time.Second)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
		if _, err := c.Close(ctx, cur); err != nil && c.Log != nil {
			c.Log.Error("close cycle", "cycle", cur.String(), "err", err)
		}
	}
}

// CatchUp closes every cycle that received data and ended before now but
// has no fleet scorecard: its boundary passed while no server was
// running. Several replicas may do this at once; each cycle's scorecard
// is still written once (Close).
func (c *Closer) CatchUp(ctx context.Context) error {
	cur, _, err := c.Schedule.Current(c.now())
	if err != nil {
		return err
	}
	var errs []error
	for o, err := range c.Store.List(ctx, objkey.CyclesPrefix) {
		if err != nil {
			return fmt.Errorf("list cycles: %w", err)
		}
		id, err := objkey.ParseCycle(o.Key)
		if err != nil || !id.Time().Before(cur.Time()) {
			continue
		}
		if _, err := c.Store.Stat(ctx, objkey.FleetScorecard(id)); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fmt.Errorf("cycle %s: %w", id, err))
			continue
		}
		if _, err := c.Close(ctx, id); err != nil {
			errs = append(errs, err)
		} else if c.Log != nil {
			c.Log.Info("closed a cycle that ended while no server ran", "cycle", id.String())
		}
	}
	return errors.Join(errs...)
}
