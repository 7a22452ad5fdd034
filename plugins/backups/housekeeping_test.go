package backups

import (
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

func TestHousekeepingReason(t *testing.T) {
	tests := []struct {
		unit string
		want bool
	}{
		{"dpkg-db-backup.timer", true},
		{"dpkg-db-backup.service", true},
		{"backup-rpmdb.timer", true},
		{"backup-sysconfig.service", true},
		{"db-backup.timer", false},
		{"dpkg-db-backup-data.timer", false},
		{"restic-backup@home.timer", false},
	}
	for _, tt := range tests {
		if got := housekeepingReason(tt.unit) != ""; got != tt.want {
			t.Errorf("housekeepingReason(%q) != \"\" = %v, want %v", tt.unit, got, tt.want)
		}
	}
}

// TestStockDebianTimers runs the collector on a stock Debian host: the
// enabled dpkg-db-backup.timer, which succeeded last night, is listed as
// not counted, never as a job, so ICO-BKP-01 fails for lack of a data
// backup; the other stock timers (apt-daily, logrotate, man-db,
// e2scrub_all, fstrim) are not jobs either. A declared restic job beside
// it is counted, with its reason.
func TestStockDebianTimers(t *testing.T) {
	const declared = `{"rsnapshot_config":"/none","jobs":[{"tool":"restic","name":"data","repository":"/srv/restic"}]}`
	tests := []struct {
		name, options string
		wantJobs      []string
		wantReasons   []string
		want          result.Status
		wantDetail    string
	}{
		{"stock timers only", `{"rsnapshot_config":"/none"}`, nil, nil, result.Fail, "dpkg's own package database"},
		{"declared restic beside them", declared, []string{"restic:data"}, []string{"declared in options (restic repository)"}, result.Pass, "1 backup job"},
	}
	e := policytest.Engine(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, host(t, "debian-stock"), tt.options)
			var ids, reasons []string
			for _, j := range f.Jobs {
				ids, reasons = append(ids, j.ID), append(reasons, j.Reason)
			}
			if !slices.Equal(ids, tt.wantJobs) || !slices.Equal(reasons, tt.wantReasons) {
				t.Errorf("jobs %q, reasons %q; want %q, %q (warnings %q)", ids, reasons, tt.wantJobs, tt.wantReasons, warns)
			}
			if len(f.NotCounted) != 1 || f.NotCounted[0].ID != "systemd:dpkg-db-backup.timer" || !strings.Contains(f.NotCounted[0].Reason, "housekeeping") {
				t.Errorf("not counted %+v, want dpkg-db-backup.timer as OS housekeeping", f.NotCounted)
			}
			results := policytest.Evaluate(t, e, policytest.Doc{
				Host:  map[string]any{"id": "h", "name": "deb12"},
				Facts: map[string]any{Namespace: f},
			}, policyNow)
			policytest.Check(t, results, map[string]result.Status{"ICO-BKP-01": tt.want})
			for _, r := range results {
				if r.ControlID == "ICO-BKP-01" && !evidenceSays(r.Evidence, tt.wantDetail) {
					t.Errorf("ICO-BKP-01 evidence %+v, want it to mention %q", r.Evidence, tt.wantDetail)
				}
			}
		})
	}
}

// TestHousekeepingWouldMatch keeps the fixture honest: without the
// housekeeping list, dpkg-db-backup.timer would be a job that succeeded
// last night, read from the host's syslog.
func TestHousekeepingWouldMatch(t *testing.T) {
	saved := housekeeping
	housekeeping = nil
	t.Cleanup(func() { housekeeping = saved })
	f, warns := mustFacts(t, host(t, "debian-stock"), `{"rsnapshot_config":"/none"}`)
	if len(f.Jobs) != 1 || f.Jobs[0].ID != "systemd:dpkg-db-backup.timer" || f.Jobs[0].LastResult != "success" || f.Jobs[0].LastSuccess == nil {
		t.Errorf("jobs %+v (warnings %q), want dpkg-db-backup.timer last run a success", f.Jobs, warns)
	}
}

// evidenceSays reports whether an evidence item's detail contains s.
func evidenceSays(ev []result.Evidence, s string) bool {
	for _, e := range ev {
		if strings.Contains(e.Detail, s) {
			return true
		}
	}
	return false
}
