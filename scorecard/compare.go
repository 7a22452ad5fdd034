package scorecard

import (
	"cmp"
	"fmt"
	"slices"
)

// Diff is the difference between two cycles' scorecards.
type Diff struct {
	Previous Snapshot `json:"previous"`
	Current  Snapshot `json:"current"`
	// Notes warn where the two are not like for like: different policy
	// revisions, thresholds or schema.
	Notes []string `json:"notes"`
	// Areas compares each area's rating.
	Areas []AreaChange `json:"areas"`
	// NewlyFailing are controls failing on some host now that failed on
	// none before; NoLongerFailing the reverse.
	NewlyFailing    []string `json:"newly_failing"`
	NoLongerFailing []string `json:"no_longer_failing"`
	// Controls compares the failing hosts of every control failing in
	// either cycle, most urgent first.
	Controls []ControlChange `json:"controls"`
}

// Snapshot is the headline of one cycle.
type Snapshot struct {
	Cycle        string   `json:"cycle,omitempty"`
	Rating       Rating   `json:"rating"`
	WeightedPass *float64 `json:"weighted_pass"`
	HostCoverage *float64 `json:"host_coverage"`
}

// AreaChange is one area's rating in both cycles.
type AreaChange struct {
	Area         string   `json:"area"`
	Previous     Rating   `json:"previous"`
	Current      Rating   `json:"current"`
	PreviousPass *float64 `json:"previous_weighted_pass"`
	CurrentPass  *float64 `json:"current_weighted_pass"`
}

// ControlChange compares one control's failing hosts across two cycles.
type ControlChange struct {
	ControlID string `json:"control_id"`
	Title     string `json:"title"`
	Priority  string `json:"priority"`
	// PreviousFailing and CurrentFailing count every failing host.
	PreviousFailing int `json:"previous_failing"`
	CurrentFailing  int `json:"current_failing"`
	// NewFailures fail now and did not before; NoLongerFailing failed
	// before and do not now (they pass, are waived, were not assessed or
	// did not report: see the current scorecard); StillFailing fail in
	// both.
	NewFailures     []string `json:"new_failures"`
	NoLongerFailing []string `json:"no_longer_failing"`
	StillFailing    []string `json:"still_failing"`
	// Complete is false when a scorecard's failing-host list was
	// truncated: the three lists then cover host names up to and
	// including Through, exactly, and no further.
	Complete bool   `json:"complete"`
	Through  string `json:"through,omitempty"`
}

// Compare sets the previous cycle's scorecard beside the current one. prev
// may be nil (the first cycle): every failing control is then newly
// failing.
func Compare(prev, cur *Fleet) Diff {
	if prev == nil {
		prev = &Fleet{SchemaVersion: cur.SchemaVersion, Thresholds: cur.Thresholds, PolicyRevisions: cur.PolicyRevisions, Overall: Assurance{Rating: NotRated}}
	}
	d := Diff{
		Previous:        snapshot(prev),
		Current:         snapshot(cur),
		Notes:           []string{},
		Areas:           []AreaChange{},
		NewlyFailing:    []string{},
		NoLongerFailing: []string{},
		Controls:        []ControlChange{},
	}
	if prev.SchemaVersion != cur.SchemaVersion {
		d.Notes = append(d.Notes, fmt.Sprintf("scorecard schema changed from %d to %d", prev.SchemaVersion, cur.SchemaVersion))
	}
	if prev.Thresholds != cur.Thresholds {
		d.Notes = append(d.Notes, fmt.Sprintf("rating thresholds changed from %+v to %+v", prev.Thresholds, cur.Thresholds))
	}
	if !slices.Equal(prev.PolicyRevisions, cur.PolicyRevisions) {
		d.Notes = append(d.Notes, fmt.Sprintf("policy revisions changed from %v to %v: results may differ because the controls did", prev.PolicyRevisions, cur.PolicyRevisions))
	}

	prevAreas := map[string]AreaScore{}
	for _, a := range prev.Areas {
		prevAreas[a.Area] = a
	}
	for _, a := range cur.Areas {
		p, ok := prevAreas[a.Area]
		if !ok {
			p.Rating = NotRated
		}
		d.Areas = append(d.Areas, AreaChange{Area: a.Area, Previous: p.Rating, Current: a.Rating, PreviousPass: p.WeightedPass, CurrentPass: a.WeightedPass})
		delete(prevAreas, a.Area)
	}
	for _, code := range sortedKeys(prevAreas) {
		p := prevAreas[code]
		d.Areas = append(d.Areas, AreaChange{Area: code, Previous: p.Rating, Current: NotRated, PreviousPass: p.WeightedPass})
	}

	prevControls := map[string]ControlScore{}
	for _, c := range prev.Controls {
		prevControls[c.ControlID] = c
	}
	curControls := map[string]ControlScore{}
	for _, c := range cur.Controls {
		curControls[c.ControlID] = c
	}
	ids := append(sortedKeys(prevControls), sortedKeys(curControls)...)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	weight := map[string]int{}
	for _, id := range ids {
		p, c := prevControls[id], curControls[id]
		if p.Counts.Fail == 0 && c.Counts.Fail == 0 {
			continue
		}
		switch {
		case p.Counts.Fail == 0:
			d.NewlyFailing = append(d.NewlyFailing, id)
		case c.Counts.Fail == 0:
			d.NoLongerFailing = append(d.NoLongerFailing, id)
		}
		meta := c
		if c.ControlID == "" {
			meta = p
		}
		weight[id] = meta.Weight
		d.Controls = append(d.Controls, compareHosts(meta, p, c))
	}
	slices.SortStableFunc(d.Controls, func(a, b ControlChange) int {
		return cmp.Or(cmp.Compare(weight[b.ControlID], weight[a.ControlID]), cmp.Compare(b.CurrentFailing, a.CurrentFailing), cmp.Compare(a.ControlID, b.ControlID))
	})
	return d
}

func snapshot(s *Fleet) Snapshot {
	return Snapshot{Cycle: s.Cycle, Rating: s.Overall.Rating, WeightedPass: s.Overall.WeightedPass, HostCoverage: s.Overall.Coverage.Hosts}
}

// compareHosts diffs one control's failing hosts. Each list holds the
// alphabetically first failing hosts, so when one was truncated both are
// exact up to its last name: the diff is limited to those names.
func compareHosts(meta, prev, cur ControlScore) ControlChange {
	ch := ControlChange{
		ControlID: meta.ControlID, Title: meta.Title, Priority: meta.Priority,
		PreviousFailing: prev.Counts.Fail, CurrentFailing: cur.Counts.Fail,
		NewFailures: []string{}, NoLongerFailing: []string{}, StillFailing: []string{},
	}
	truncated := false
	for _, s := range []ControlScore{prev, cur} {
		if len(s.FailingHosts) < s.Counts.Fail {
			last := ""
			if len(s.FailingHosts) > 0 {
				last = s.FailingHosts[len(s.FailingHosts)-1]
			}
			if !truncated || last < ch.Through {
				ch.Through = last
			}
			truncated = true
		}
	}
	ch.Complete = !truncated
	within := func(h string) bool { return ch.Complete || h <= ch.Through }
	before := map[string]bool{}
	for _, h := range prev.FailingHosts {
		if within(h) {
			before[h] = true
		}
	}
	for _, h := range cur.FailingHosts {
		if !within(h) {
			continue
		}
		if before[h] {
			ch.StillFailing = append(ch.StillFailing, h)
			delete(before, h)
		} else {
			ch.NewFailures = append(ch.NewFailures, h)
		}
	}
	for _, h := range prev.FailingHosts {
		if before[h] {
			ch.NoLongerFailing = append(ch.NoLongerFailing, h)
		}
	}
	return ch
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
