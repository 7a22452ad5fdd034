package services

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// corruption is one way a source file can be unreadable or wrong on a
// host: it changes the file rel under the host root dir.
type corruption struct {
	name string
	do   func(t *testing.T, dir, rel string)
}

// corruptions are the ways a source is hidden or spoilt. The tests run
// as root, so modes do not stop reads: the file is replaced instead.
var corruptions = []corruption{
	{"removed", func(t *testing.T, dir, rel string) { mustDo(t, os.RemoveAll(filepath.Join(dir, rel))) }},
	{"directory", func(t *testing.T, dir, rel string) {
		p := filepath.Join(dir, rel)
		mustDo(t, os.RemoveAll(p))
		mustDo(t, os.MkdirAll(p, 0o755))
	}},
	{"dangling symlink", func(t *testing.T, dir, rel string) {
		p := filepath.Join(dir, rel)
		mustDo(t, os.RemoveAll(p))
		mustDo(t, os.Symlink("/nonexistent/"+filepath.Base(rel), p))
	}},
	{"empty", func(t *testing.T, dir, rel string) { mustDo(t, os.WriteFile(filepath.Join(dir, rel), nil, 0o644)) }},
	{"truncated", func(t *testing.T, dir, rel string) {
		p := filepath.Join(dir, rel)
		b, err := os.ReadFile(p)
		mustDo(t, err)
		mustDo(t, os.WriteFile(p, b[:len(b)/3], 0o644))
	}},
	{"garbage", func(t *testing.T, dir, rel string) {
		b := make([]byte, 4096)
		for i := range b {
			b[i] = byte(i*131 + 7)
		}
		mustDo(t, os.WriteFile(filepath.Join(dir, rel), b, 0o644))
	}},
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// passingCronText is the cron-text host with logs where every cron job
// succeeded: ICO-MON-01 passes on it, so a corruption that still passes
// is a false pass.
func passingCronText(t *testing.T) string {
	dir := hostCopy(t, "cron-text")
	mustDo(t, os.Remove(filepath.Join(dir, "var/log/syslog.1")))
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
		mustDo(t, os.Remove(filepath.Join(dir, rel)))
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
	all := []string{"removed", "directory", "dangling symlink", "empty", "truncated", "garbage"}
	sources := []struct {
		name  string
		host  func(t *testing.T) string
		rel   string
		kinds []string // the corruptions that apply
	}{
		{"journal file", func(t *testing.T) string { return hostCopy(t, "recovered") }, journal, all},
		{"journal directory", func(t *testing.T) string { return hostCopy(t, "recovered") }, "var/log/journal", []string{"removed", "directory", "dangling symlink"}},
		// A truncated text log is a shorter log: nothing tells it apart.
		{"syslog", passingCronText, "var/log/syslog", []string{"removed", "directory", "dangling symlink", "empty", "garbage"}},
		// The crontabs decide only when no cron run is logged: a removed,
		// empty or garbage crontab is one cron itself runs no job from,
		// but one that cannot be read may hold jobs.
		{"system crontab", noCronLogged, "etc/crontab", []string{"directory"}},
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
		for _, c := range corruptions {
			if !slices.Contains(s.kinds, c.name) {
				continue
			}
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				dir := s.host(t)
				c.do(t, dir, s.rel)
				f, warns := collectortest.Facts[Facts](t, testCollector(), dir, `{}`)
				r := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)
				got, ok := r["ICO-MON-01"]
				switch {
				case !ok:
					t.Fatal("no ICO-MON-01 result")
				case got.Status == result.Pass:
					t.Errorf("ICO-MON-01 passes with %s %s: %+v (facts %+v, warnings %q)", s.name, c.name, got.Evidence, f, warns)
				case got.Status == result.NotAssessed && len(got.Evidence) == 0:
					t.Errorf("ICO-MON-01 not assessed without a reason")
				}
			})
		}
	}
}
