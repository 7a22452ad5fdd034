package waiver

import (
	"reflect"
	"testing"
)

func TestReview(t *testing.T) {
	mk := func(id, created, expires string) Waiver {
		return Waiver{ID: id, Control: "ICO-SEC-01", Hosts: []string{"web-*"}, Reason: "r", Approver: "a", Created: day(created), Expires: day(expires)}
	}
	waivers := []Waiver{
		mk("W-used", "2026-01-01", "2026-12-31"),      // active, used, 199 days left
		mk("W-stale", "2026-01-01", "2026-12-01"),     // active, covered nothing
		mk("W-soon", "2026-01-01", "2026-07-15"),      // active, used, 30 days left: expiring
		mk("W-31", "2026-01-01", "2026-07-16"),        // active, used, 31 days left: not expiring
		mk("W-today", "2026-01-01", "2026-06-15"),     // last day today: expiring, 0 days left
		mk("W-gone", "2026-01-01", "2026-06-14"),      // expired yesterday
		mk("W-future", "2026-06-16", "2026-12-31"),    // pending
		mk("W-stalesoon", "2026-01-01", "2026-06-20"), // stale and expiring
	}
	used := Usage{"W-used": 4, "W-soon": 1, "W-31": 2, "W-today": 1, "W-gone": 0}
	rep := Review(waivers, used, at("2026-06-15T09:00:00Z"), 0)

	ids := func(es []Entry) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	tests := []struct {
		list string
		got  []Entry
		want []string
	}{
		// Each list in expiry order.
		{"active", rep.Active, []string{"W-today", "W-stalesoon", "W-soon", "W-31", "W-stale", "W-used"}},
		{"stale", rep.Stale, []string{"W-stalesoon", "W-stale"}},
		{"expiring", rep.Expiring, []string{"W-today", "W-stalesoon", "W-soon"}},
		{"expired", rep.Expired, []string{"W-gone"}},
		{"pending", rep.Pending, []string{"W-future"}},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			if got := ids(tt.got); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Review().%s = %v, want %v", tt.list, got, tt.want)
			}
		})
	}

	days := map[string]int{}
	covered := map[string]int{}
	for _, list := range [][]Entry{rep.Active, rep.Expired, rep.Pending} {
		for _, e := range list {
			days[e.ID] = e.DaysLeft
			covered[e.ID] = e.Covered
		}
	}
	// 2026-06-15 to 2026-12-31: 15 days left in June + 31+31+30+31+30+31 = 199.
	wantDays := map[string]int{"W-used": 199, "W-stale": 169, "W-soon": 30, "W-31": 31, "W-today": 0, "W-gone": -1, "W-future": 199, "W-stalesoon": 5}
	if !reflect.DeepEqual(days, wantDays) {
		t.Errorf("DaysLeft = %v, want %v", days, wantDays)
	}
	wantCovered := map[string]int{"W-used": 4, "W-stale": 0, "W-soon": 1, "W-31": 2, "W-today": 1, "W-gone": 0, "W-future": 0, "W-stalesoon": 0}
	if !reflect.DeepEqual(covered, wantCovered) {
		t.Errorf("Covered = %v, want %v", covered, wantCovered)
	}

	e := rep.Active[len(rep.Active)-1]
	want := Entry{ID: "W-used", Control: "ICO-SEC-01", Hosts: []string{"web-*"}, Reason: "r", Approver: "a", Created: "2026-01-01", Expires: "2026-12-31", DaysLeft: 199, Covered: 4}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("entry = %+v, want %+v", e, want)
	}
}

func TestReviewWindow(t *testing.T) {
	w := []Waiver{{ID: "W-1", Control: "ICO-SEC-01", Hosts: []string{"*"}, Created: day("2026-01-01"), Expires: day("2026-08-14")}}
	now := at("2026-06-15T00:00:00Z") // 60 days before 2026-08-14
	tests := []struct {
		window int
		want   int
	}{
		{0, 0},  // default 30
		{59, 0}, // 60 days left
		{60, 1},
		{90, 1},
	}
	for _, tt := range tests {
		if got := len(Review(w, Usage{"W-1": 1}, now, tt.window).Expiring); got != tt.want {
			t.Errorf("len(Review(window %d).Expiring) = %d, want %d", tt.window, got, tt.want)
		}
	}
}
