package waiver_test

import (
	"fmt"
	"time"

	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/waiver"
)

func ExampleApply() {
	day := func(s string) time.Time { t, _ := time.Parse(waiver.DateLayout, s); return t }
	waivers := []waiver.Waiver{{
		ID: "W-012", Control: "ICO-ACC-01", Hosts: []string{"files-*"}, Subject: "svc-report",
		Reason: "Monthly report job", Approver: "Head of IT",
		Created: day("2026-10-01"), Expires: day("2026-12-31"),
	}}
	results := []result.Result{{
		ControlID: "ICO-ACC-01", Severity: result.High, Status: result.Fail,
		Evidence: []result.Evidence{{Subject: "svc-report", Detail: "no login for 62 days"}},
	}}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

	out, used := waiver.Apply(results, waiver.Host{Name: "files-1"}, waivers, now)
	fmt.Println(out[0].Status, out[0].Waiver.ID, out[0].Waiver.Expires)

	rep := waiver.Review(waivers, used, now, 0)
	fmt.Println(len(rep.Stale), rep.Active[0].DaysLeft, len(rep.Expiring))
	// Output:
	// waived W-012 2026-12-31
	// 0 41 0
}
