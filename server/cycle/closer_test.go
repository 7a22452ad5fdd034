package cycle

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// TestCloseCountsSilentHosts closes three daily cycles of a fleet where
// "steady" reports every cycle, "flaky" misses only the last one, and
// "silent" stops after the first: in the third cycle, silent has missed two
// cycles in a row and fails ICO-MON-02, flaky is only missing.
func TestCloseCountsSilentHosts(t *testing.T) {
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
	ids := map[string]objkey.HostID{}
	for _, name := range []string{"steady", "flaky", "silent"} {
		id, _, err := reg.Enroll(ctx, secret, registry.EnrollRequest{Hostname: name, MachineID: "m-" + name})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	// A host cloned from steady's image is refused, and named in every
	// scorecard until it gets its own identity.
	if _, _, err := reg.Enroll(ctx, secret, registry.EnrollRequest{Hostname: "steady-clone", MachineID: "m-steady"}); !errors.Is(err, registry.ErrDuplicateMachine) {
		t.Fatalf("clone enroll: %v, want ErrDuplicateMachine", err)
	}
	sched, err := Parse("0 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	controls := []result.Control{
		{ID: "ICO-ACC-01", Title: "Dormant accounts disabled", Area: "RMS", Severity: result.High},
		{ID: MissedControl, Title: "Every in-scope host reports", Area: "BRM", Severity: result.Medium},
	}
	var org orgdata.Set
	if err := org.Load(orgdata.KindThresholds, "thresholds.yaml", []byte("thresholds:\n  min_coverage_percent: 30\n"), nil); err != nil {
		t.Fatal(err)
	}
	policies := func(context.Context) (*assess.Policies, error) { return &assess.Policies{Org: &org}, nil }
	c := &Closer{Store: st, Hosts: reg, Schedule: sched, Controls: controls, Policies: policies, Now: clock}
	report := func(name string, cycle objkey.CycleID, status result.Status) {
		t.Helper()
		h, err := reg.Get(ctx, ids[name])
		if err != nil {
			t.Fatal(err)
		}
		rid, _ := objkey.ParseReportID(fmt16(cycle.Time().Unix()) + fmt16(int64(len(name))))
		rs := []result.Result{{ControlID: "ICO-ACC-01", Title: "Dormant accounts disabled", Area: "RMS", Severity: result.High, Status: status}}
		rec := ingest.Record{HostID: h.ID.String(), CycleID: cycle.String(), Host: scorecard.Host{Host: name, Results: rs}}
		if _, err := store.PutJSON(ctx, st, objkey.Results(cycle, h.ID, rid), rec, store.PutOptions{WriteOnce: true}); err != nil {
			t.Fatal(err)
		}
		if err := reg.RecordReport(ctx, h.ID, cycle, rid.String(), now); err != nil {
			t.Fatal(err)
		}
	}
	var last *Closed
	for d, reporters := range [][]string{{"steady", "flaky", "silent"}, {"steady", "flaky"}, {"steady"}} {
		now = day(d).Add(time.Hour)
		cycle, _, err := sched.Current(now)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range reporters {
			status := result.Pass
			if d == 2 {
				status = result.Fail // steady starts failing in the last cycle
			}
			report(name, cycle, status)
		}
		now = day(d + 1).Add(time.Minute)
		if last, err = c.Close(ctx, cycle); err != nil {
			t.Fatal(err)
		}
		again, err := c.Close(ctx, cycle)
		if err != nil || again.GeneratedAt != last.GeneratedAt {
			t.Fatalf("closing %s twice gave a different scorecard: %v", cycle, err)
		}
	}
	if len(last.Cloned) != 1 || last.Cloned[0].Host != "steady ("+ids["steady"].String()+")" || len(last.Cloned[0].Clones) != 1 || last.Cloned[0].Clones[0] != "steady-clone" {
		t.Errorf("cloned hosts %+v, want steady with clone steady-clone", last.Cloned)
	}
	if last.Enrolled != 3 || last.Reported != 1 || last.Silent != 1 {
		t.Errorf("last cycle: enrolled %d, reported %d, silent %d; want 3, 1, 1", last.Enrolled, last.Reported, last.Silent)
	}
	var mon02 *struct{ fail int }
	for _, cs := range last.Controls {
		if cs.ControlID == MissedControl {
			mon02 = &struct{ fail int }{cs.Counts.Fail}
		}
	}
	if mon02 == nil || mon02.fail != 1 {
		t.Errorf("ICO-MON-02 failing hosts = %v, want 1 (silent, two cycles missed)", mon02)
	}
	if len(last.MissingHosts) != 1 || last.MissingHosts[0] != "flaky ("+ids["flaky"].String()+")" {
		t.Errorf("missing hosts %v, want only flaky", last.MissingHosts)
	}
	if last.Previous == "" || len(last.Change.NewlyFailing) == 0 {
		t.Errorf("change from the previous cycle %s: %+v; want ICO-ACC-01 newly failing", last.Previous, last.Change.NewlyFailing)
	}
	// The organisation's min_coverage_percent (30) rates the last cycle:
	// 7 (steady's ACC-01) + 4 (silent's MON-02) of 3 × 11 weight = 33.3%,
	// which the default 50 would leave unrated.
	if got := last.Thresholds.MinCoverage; got != 30 {
		t.Errorf("Thresholds.MinCoverage = %v, want 30 (the organisation's)", got)
	}
	if o := last.Overall; o.Rating != scorecard.VeryLimited || o.Coverage.Weight == nil || *o.Coverage.Weight != 33.3 {
		t.Errorf("Overall = %q at weight coverage %v, want %q at 33.3", o.Rating, o.Coverage.Weight, scorecard.VeryLimited)
	}

	broken := *c
	broken.Policies = func(context.Context) (*assess.Policies, error) { return nil, errors.New("store down") }
	next, _, err := sched.Current(day(4).Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := broken.Close(ctx, next); err == nil {
		t.Error("Close with unreadable organisation data succeeded, want an error")
	}
}

func fmt16(v int64) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = hex[v&15]
		v >>= 4
	}
	return string(b)
}
