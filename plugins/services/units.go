package services

import (
	"cmp"
	"slices"
	"time"
)

// sortEvents orders events by time, then by reading order.
func sortEvents(evs []event) {
	slices.SortStableFunc(evs, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
}

// unitState is one unit's run of outcomes.
type unitState struct {
	failing  bool
	since    time.Time
	result   string
	lastBoot string // boot of the latest failure
	lastMark int    // text logs: boot marks seen before the latest failure
}

// failedUnits returns the units whose latest outcome in the current boot
// is a failure, sorted by name, from events sorted by sortEvents. A
// unit's Since is the first failure of its current run of failures,
// which may have begun in an earlier boot; a success (started,
// finished, deactivated successfully) ends the run. In the journal the
// current boot is boot; in text logs, which carry no boot ID (boot ""),
// it is what follows the last boot mark, the service manager's own
// start-up line; with a journal boot, text log lines are left out.
func failedUnits(evs []event, boot string) []FailedUnit {
	states := map[string]*unitState{}
	marks := 0
	for _, ev := range evs {
		switch ev.kind {
		case bootMark:
			marks++
			continue
		case unitFailed, unitOK:
			if boot != "" && ev.boot == "" {
				continue // a text log line: no boot to place it in
			}
		default:
			continue
		}
		s := states[ev.unit]
		if s == nil {
			s = &unitState{}
			states[ev.unit] = s
		}
		if ev.kind == unitOK {
			s.failing, s.result = false, ""
			continue
		}
		if !s.failing {
			s.failing, s.since = true, ev.at
		}
		if ev.result != "" {
			s.result = ev.result
		}
		s.lastBoot, s.lastMark = ev.boot, marks
	}
	out := []FailedUnit{}
	for unit, s := range states {
		if !s.failing || s.lastBoot != boot || (boot == "" && s.lastMark != marks) {
			continue
		}
		r := s.result
		if r == "" {
			r = "unknown"
		}
		out = append(out, FailedUnit{Unit: unit, Type: unitType(unit), Since: s.since.UTC(), Result: r})
	}
	slices.SortFunc(out, func(a, b FailedUnit) int { return cmp.Compare(a.Unit, b.Unit) })
	return out
}
