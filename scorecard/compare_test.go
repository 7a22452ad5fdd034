package scorecard

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/auditfleet/auditfleet/result"
)

// withStatus returns a copy of hosts where host's control has status st.
func withStatus(hosts []hostResults, host, control string, st result.Status) []hostResults {
	out := slices.Clone(hosts)
	for i, h := range out {
		if h.Host != host {
			continue
		}
		out[i].Results = slices.Clone(h.Results)
		for j, r := range out[i].Results {
			if r.ControlID == control {
				out[i].Results[j].Status = st
				out[i].Results[j].Waiver = nil
			}
		}
	}
	return out
}

// previousCycle is the fixture fleet as it stood a cycle earlier: db-1's
// OS was still supported, files-1's dormant account was not yet waived,
// and app-1 kept records past retention.
func previousCycle(hosts []hostResults) []hostResults {
	prev := withStatus(hosts, "db-1", "ICO-SEC-01", result.Pass)
	prev = withStatus(prev, "files-1", "ICO-ACC-01", result.Fail)
	return withStatus(prev, "app-1", "ICO-RET-01", result.Fail)
}

func describe(cs []ControlChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %d->%d new%v gone%v still%v complete=%v through=%q",
			c.ControlID, c.PreviousFailing, c.CurrentFailing, c.NewFailures, c.NoLongerFailing, c.StillFailing, c.Complete, c.Through))
	}
	return out
}

func TestCompare(t *testing.T) {
	hosts, missing := loadFleet(t)
	cur := fleetOf(t, Options{}, hosts, missing)
	prev := fleetOf(t, Options{}, previousCycle(hosts), missing)
	d := Compare(prev, cur)

	// Previous: passing 167 + 10 (db-1 SEC) - 7 (files-1 ACC-01) = 170 of
	// 202 + 4 (app-1 RET assessed) = 206: 82.52% -> 82.5, no critical
	// failure: Reasonable.
	if d.Previous.Rating != Reasonable || show(d.Previous.WeightedPass) != "82.5" || d.Current.Rating != Limited || show(d.Current.WeightedPass) != "82.7" {
		t.Errorf("Compare ratings = %s %s -> %s %s, want Reasonable 82.5 -> Limited 82.7",
			d.Previous.Rating, show(d.Previous.WeightedPass), d.Current.Rating, show(d.Current.WeightedPass))
	}
	if !reflect.DeepEqual(d.NewlyFailing, []string{"ICO-SEC-01"}) || !reflect.DeepEqual(d.NoLongerFailing, []string{"ICO-RET-01"}) {
		t.Errorf("Compare newly failing %v, no longer failing %v; want [ICO-SEC-01], [ICO-RET-01]", d.NewlyFailing, d.NoLongerFailing)
	}
	want := []string{
		`ICO-SEC-01 0->1 new[db-1] gone[] still[] complete=true through=""`,
		`ICO-ACC-01 2->1 new[] gone[files-1] still[web-2] complete=true through=""`,
		`ICO-ACC-03 1->1 new[] gone[] still[app-1] complete=true through=""`,
		`ICO-LOG-01 1->1 new[] gone[] still[db-1] complete=true through=""`,
		`ICO-MON-01 1->1 new[] gone[] still[legacy-1] complete=true through=""`,
		`ICO-RET-01 1->0 new[] gone[app-1] still[] complete=true through=""`,
	}
	if got := describe(d.Controls); !reflect.DeepEqual(got, want) {
		t.Errorf("Compare controls:\n%v\nwant\n%v", got, want)
	}
	wantAreas := []AreaChange{
		// BRM unchanged: 78.8 both cycles.
		{Area: "BRM", Previous: Limited, Current: Limited, PreviousPass: ptr(78.8), CurrentPass: ptr(78.8)},
		// RMS before: 126 + 10 - 7 = 129 of 150 + 4 = 154: 83.77% -> 83.8.
		{Area: "RMS", Previous: Reasonable, Current: Limited, PreviousPass: ptr(83.8), CurrentPass: ptr(84)},
	}
	if !reflect.DeepEqual(d.Areas, wantAreas) {
		t.Errorf("Compare areas = %+v, want %+v", d.Areas, wantAreas)
	}
	if len(d.Notes) != 0 {
		t.Errorf("Compare notes = %v, want none", d.Notes)
	}
}

// TestCompareTruncated diffs lists of one host each: exact up to the last
// name a truncated list holds, and no further.
func TestCompareTruncated(t *testing.T) {
	hosts, missing := loadFleet(t)
	opts := Options{HostListLimit: 1}
	cur := fleetOf(t, opts, hosts, missing)
	prev := fleetOf(t, opts, previousCycle(hosts), missing)
	d := Compare(prev, cur)
	// ACC-01 failed on files-1 and web-2 before (list [files-1],
	// truncated) and on web-2 now (list [web-2], complete): the diff
	// covers names up to files-1 only, where files-1 no longer fails.
	got := describe(d.Controls)[1]
	want := `ICO-ACC-01 2->1 new[] gone[files-1] still[] complete=false through="files-1"`
	if got != want {
		t.Errorf("Compare ICO-ACC-01 = %s, want %s", got, want)
	}
}

func TestCompareFirstCycleAndNotes(t *testing.T) {
	hosts, missing := loadFleet(t)
	cur := fleetOf(t, Options{}, hosts, missing)
	d := Compare(nil, cur)
	if want := []string{"ICO-ACC-01", "ICO-ACC-03", "ICO-LOG-01", "ICO-MON-01", "ICO-SEC-01"}; !reflect.DeepEqual(d.NewlyFailing, want) {
		t.Errorf("Compare(nil, cur) newly failing = %v, want %v", d.NewlyFailing, want)
	}
	if d.Previous.Rating != NotRated {
		t.Errorf("Compare(nil, cur) previous rating = %s, want %s", d.Previous.Rating, NotRated)
	}

	other := fleetOf(t, Options{Thresholds: Thresholds{High: 90, Reasonable: 75, Limited: 50, ReasonableMaxCriticalHostShare: 5}}, hosts, missing)
	other.PolicyRevisions = []string{"sha256:fedcba9876543210"}
	if d := Compare(other, cur); len(d.Notes) != 2 {
		t.Errorf("Compare with other thresholds and policies: notes = %v, want 2", d.Notes)
	}
}
