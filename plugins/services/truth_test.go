package services

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// passingCronText is the cron-text host with logs where every cron job
// succeeded: ICO-MON-01 passes on it, so a corruption that still passes
// is a false pass.
func passingCronText(t *testing.T) string {
	dir := hostCopy(t, "cron-text")
	fixture.Corrupt(t, dir, "var/log/syslog.1", fixture.Removed)
	fixture.Write(t, dir, map[string]string{"var/log/syslog": "" +
		"Sep  1 03:00:01 app-07 CRON[4301]: (reports) CMD (/usr/local/bin/rotate-reports --keep 30)\n" +
		"Sep  1 03:00:09 app-07 CRON[4300]: (reports) END (/usr/local/bin/rotate-reports --keep 30)\n" +
		"Sep  1 07:30:01 app-07 CRON[4221]: (alice) CMD (/home/alice/bin/sync-notes)\n" +
		"Sep  1 07:30:04 app-07 CRON[4220]: (alice) END (/home/alice/bin/sync-notes)\n",
	})
	return dir
}

// noCronLogged is the cron-text host with no cron job and a log
// without cron lines (ICO-MON-01 passes: there is no job to fail); each
// crontab is then put back as the corruption leaves it.
func noCronLogged(t *testing.T) string {
	dir := hostCopy(t, "cron-text")
	for _, rel := range []string{"var/log/syslog.1", "etc/crontab", "etc/cron.d/reports", "var/spool/cron/crontabs/alice"} {
		fixture.Corrupt(t, dir, rel, fixture.Removed)
	}
	fixture.Write(t, dir, map[string]string{"var/log/syslog": "Sep  1 06:10:00 app-07 kernel: [12345.678901] perf: interrupt took too long\n"})
	return dir
}

// TestTruthCorruptSources corrupts or hides each source file the
// services facts come from, on a host where ICO-MON-01 passes, and checks
// that the control then never passes: an unread source is unknown, never
// "nothing failing".
func TestTruthCorruptSources(t *testing.T) {
	e := policytest.Engine(t, nil)
	journal := "var/log/journal/3d1219c7c4c5404aaa1f6d2a48adfda4/system.journal"
	all := fixture.Corruptions
	sources := []struct {
		name  string
		host  func(t *testing.T) string
		rel   string
		kinds []fixture.Corruption // the corruptions that apply
	}{
		{"journal file", func(t *testing.T) string { return hostCopy(t, "recovered") }, journal, all},
		{"journal directory", func(t *testing.T) string { return hostCopy(t, "recovered") }, "var/log/journal", []fixture.Corruption{fixture.Removed, fixture.Directory, fixture.DanglingSymlink}},
		// A text log cut at a line's end is a shorter log: nothing tells
		// it apart. TestTruthTextLogCutShort cuts it inside each line.
		{"syslog", passingCronText, "var/log/syslog", []fixture.Corruption{fixture.Removed, fixture.Directory, fixture.DanglingSymlink, fixture.Emptied, fixture.Garbage}},
		// The crontabs decide only when no cron run is logged: a removed,
		// empty or garbage crontab is one cron itself runs no job from,
		// but one that cannot be read may hold jobs.
		{"system crontab", noCronLogged, "etc/crontab", []fixture.Corruption{fixture.Directory}},
		// In /etc/cron.d and the spool, cron (and the collector) skips
		// what is not a regular file, so a directory there is no job.
		{"cron defaults", passingCronText, "etc/default/cron", all},
	}
	// The baselines pass, so each corruption is what changes the verdict.
	for _, s := range sources {
		f, _ := collectortest.Facts[Facts](t, testCollector(), s.host(t), `{}`)
		r := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)
		policytest.Check(t, r, map[string]result.Status{"ICO-MON-01": result.Pass})
	}
	for _, s := range sources {
		for _, kind := range s.kinds {
			t.Run(s.name+"/"+string(kind), func(t *testing.T) {
				dir := s.host(t)
				fixture.Corrupt(t, dir, s.rel, kind)
				f, warns := collectortest.Facts[Facts](t, testCollector(), dir, `{}`)
				r := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)
				got, ok := r["ICO-MON-01"]
				switch {
				case !ok:
					t.Fatal("no ICO-MON-01 result")
				case got.Status == result.Pass:
					t.Errorf("ICO-MON-01 passes with %s %s: %+v (facts %+v, warnings %q)", s.name, kind, got.Evidence, f, warns)
				case got.Status == result.NotAssessed && len(got.Evidence) == 0:
					t.Errorf("ICO-MON-01 not assessed without a reason")
				}
			})
		}
	}
}

// TestTruthTextLogCutShort cuts the syslog of the passing cron-text host
// inside each of its lines: the lines after the cut, the newest, are
// lost, so ICO-MON-01 must not pass on what was read.
func TestTruthTextLogCutShort(t *testing.T) {
	e := policytest.Engine(t, nil)
	intact, err := os.ReadFile(filepath.Join(passingCronText(t), "var", "log", "syslog"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range fixture.MidLineCuts(intact) {
		t.Run(fmt.Sprintf("cut at %d", cut), func(t *testing.T) {
			dir := passingCronText(t)
			fixture.Rewrite(t, dir, "var/log/syslog", func(b []byte) []byte { return b[:cut] })
			f, warns := collectortest.Facts[Facts](t, testCollector(), dir, `{}`)
			r := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)["ICO-MON-01"]
			switch {
			case r.Status == result.Pass:
				t.Errorf("ICO-MON-01 passes on a syslog cut at byte %d: %+v (facts %+v, warnings %q)", cut, r.Evidence, f, warns)
			case r.Status == result.NotAssessed && len(r.Evidence) == 0:
				t.Error("ICO-MON-01 not assessed without a reason")
			}
		})
	}
}
