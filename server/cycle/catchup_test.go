package cycle

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// TestCatchUpClosesMissedCycles leaves three daily cycles with reports but
// no scorecard, as when their boundaries passed while no server ran, and
// starts two replicas' closers at once: each missed cycle gets exactly one
// scorecard, chained to the one before, and the open cycle stays open
// (finding 5 of issue 11).
func TestCatchUpClosesMissedCycles(t *testing.T) {
	ctx := context.Background()
	st, err := dirstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 11, 18+d, 2, 0, 0, 0, time.UTC) }
	now := day(0).Add(time.Hour)
	clock := func() time.Time { return now }
	reg := &registry.Registry{Store: st, Tokens: &auth.Tokens{Store: st, Now: clock}, Now: clock}
	secret, err := reg.CreateEnrollSecret(ctx, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := reg.Enroll(ctx, secret, registry.EnrollRequest{Hostname: "web-1", MachineID: "m-1"})
	if err != nil {
		t.Fatal(err)
	}
	sched, err := Parse("0 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	controls := []result.Control{{ID: "ICO-ACC-01", Title: "Dormant accounts disabled", Area: "RMS", Severity: result.High}}
	var missed []objkey.CycleID
	for d := range 4 { // three missed cycles and the open one
		c, err := objkey.CycleAt(day(d))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.PutJSON(ctx, st, objkey.Cycle(c), map[string]string{"cycle_id": c.String()}, store.PutOptions{WriteOnce: true}); err != nil {
			t.Fatal(err)
		}
		rid, _ := objkey.ParseReportID(fmt16(int64(d)) + fmt16(1))
		rec := ingest.Record{HostID: id.String(), CycleID: c.String(), Host: scorecard.Host{Host: "web-1", ReportID: rid.String(), CollectedAt: day(d),
			Results: []result.Result{{ControlID: "ICO-ACC-01", Title: "Dormant accounts disabled", Area: "RMS", Severity: result.High, Status: result.Pass}}}}
		if _, err := store.PutJSON(ctx, st, objkey.Results(c, id, rid), rec, store.PutOptions{WriteOnce: true}); err != nil {
			t.Fatal(err)
		}
		if err := reg.RecordReport(ctx, id, c, rid.String(), day(d)); err != nil {
			t.Fatal(err)
		}
		if d < 3 {
			missed = append(missed, c)
		}
	}
	now = day(3).Add(time.Hour) // the server starts again in the fourth cycle
	var wg sync.WaitGroup
	for range 2 {
		c := &Closer{Store: st, Hosts: reg, Schedule: sched, Controls: controls, Now: clock}
		wg.Go(func() {
			if err := c.CatchUp(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i, c := range missed {
		var got Closed
		if _, err := store.GetJSON(ctx, st, objkey.FleetScorecard(c), &got); err != nil {
			t.Fatalf("cycle %s: %v", c, err)
		}
		if got.Reported != 1 {
			t.Errorf("cycle %s: reported %d, want 1", c, got.Reported)
		}
		if i > 0 && got.Previous != missed[i-1].String() {
			t.Errorf("cycle %s compares with %q, want %s", c, got.Previous, missed[i-1])
		}
	}
	open, _, err := sched.Current(now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, objkey.FleetScorecard(open)); err == nil {
		t.Errorf("the open cycle %s was closed", open)
	}
	n := 0
	for o, err := range st.List(ctx, objkey.ScorecardsPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		_ = o
		n++
	}
	if n != len(missed) {
		t.Errorf("%d scorecards stored, want %d (one per missed cycle)", n, len(missed))
	}
}
