package cycle

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/auditfleet/auditfleet/server/objkey"
)

// Schedule is a parsed cycle schedule.
type Schedule struct {
	spec  string
	sched cron.Schedule
}

// Parse parses a standard five-field cron expression (or a descriptor such
// as "@daily"), evaluated in UTC.
func Parse(spec string) (*Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("cycle schedule %q: %w", spec, err)
	}
	// Cycle IDs have minute precision; a schedule that fires more often
	// than every minute cannot name its cycles.
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if n := s.Next(t0); s.Next(n).Sub(n) < time.Minute {
		return nil, fmt.Errorf("cycle schedule %q fires more than once a minute", spec)
	}
	return &Schedule{spec: spec, sched: s}, nil
}

// String returns the cron expression.
func (s *Schedule) String() string { return s.spec }

// lookback bounds the search for the start of the current cycle: no
// supported schedule has cycles longer than this.
const lookback = 366 * 24 * time.Hour

// Current returns the cycle that now falls in, started at the latest
// scheduled time at or before now, and the start of the next one, which is
// the current cycle's deadline.
func (s *Schedule) Current(now time.Time) (objkey.CycleID, time.Time, error) {
	now = now.UTC().Truncate(time.Minute)
	// Walk forward from a coarse starting point; the number of steps is
	// the number of cycles in the look-back window, found once per call.
	start := time.Time{}
	t := s.sched.Next(now.Add(-lookback))
	for !t.IsZero() && !t.After(now) {
		start = t
		t = s.nextAfter(t, now)
	}
	if start.IsZero() {
		return objkey.CycleID{}, time.Time{}, fmt.Errorf("cycle schedule %q: no cycle started in the year before %s", s.spec, now.Format(time.RFC3339))
	}
	id, err := objkey.CycleAt(start)
	if err != nil {
		return objkey.CycleID{}, time.Time{}, err
	}
	return id, s.sched.Next(start), nil
}

// nextAfter returns the next activation after t, skipping ahead in large
// steps when now is far away, so frequent schedules stay cheap.
func (s *Schedule) nextAfter(t, now time.Time) time.Time {
	n := s.sched.Next(t)
	if period := n.Sub(t); period > 0 && now.Sub(n) > 4*period {
		// Jump close to now, then let Next land on a real activation.
		jump := now.Add(-2 * period)
		if j := s.sched.Next(jump); j.After(n) {
			return j
		}
	}
	return n
}

// Previous returns the cycle before c.
func (s *Schedule) Previous(c objkey.CycleID) (objkey.CycleID, error) {
	id, _, err := s.Current(c.Time().Add(-time.Minute))
	return id, err
}

// Next returns the cycle after c.
func (s *Schedule) Next(c objkey.CycleID) (objkey.CycleID, error) {
	_, next, err := s.Current(c.Time())
	if err != nil {
		return objkey.CycleID{}, err
	}
	return objkey.CycleAt(next)
}
