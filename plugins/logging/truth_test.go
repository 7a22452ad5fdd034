package logging

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthUnreadSources corrupts each source of the logging facts on the
// good fixture, where ICO-LOG-01 and ICO-LOG-02 pass, in every way
// fixture.Corrupt knows, and evaluates the controls the source decides:
// none may pass, nor report zero of anything.
func TestTruthUnreadSources(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	e := policytest.Engine(t, nil)
	const journalDir = "var/log/journal/0123456789abcdef0123456789abcdef/"
	log01 := []string{"ICO-LOG-01"}
	// The good host logs through auditd and journald alike, each keeping
	// enough: a source decides ICO-LOG-01 only where the other daemon is
	// stopped, so each source is corrupted on such a host.
	stopped := func(proc string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { fixture.Corrupt(t, dir, proc, fixture.Removed) }
	}
	auditdOnly, journaldOnly := stopped("proc/412"), stopped("proc/530")
	sources := []struct {
		rel      string
		host     func(t *testing.T, dir string) // nil: the good host
		controls []string
		// warnOK is true for the time daemon's sources: a clock not
		// known to be kept is ICO-LOG-01's warning, by design.
		warnOK bool
	}{
		{"etc/audit/auditd.conf", auditdOnly, log01, false},
		{"var/log/audit/audit.log", auditdOnly, log01, false},
		{"var/log/audit/audit.log.2", auditdOnly, log01, false},
		{"proc/530/comm", auditdOnly, log01, false},
		{"etc/systemd/journald.conf", journaldOnly, log01, false},
		{"etc/systemd/journald.conf.d/10-size.conf", journaldOnly, log01, false},
		{journalDir + "system.journal", journaldOnly, log01, false},
		{journalDir + "system@8a9c7f2e1d3b4a5c8a9c7f2e1d3b4a5c-0000000000000001-00064e1f0ad3c000.journal", journaldOnly, log01, false},
		{"proc/412/comm", journaldOnly, log01, false},
		{"etc/chrony/chrony.conf", nil, log01, true},
		{"proc/611/comm", nil, log01, true},
		{"var/log/casedb/audit.jsonl", nil, []string{"ICO-LOG-02"}, false},
	}
	// absentOK are corruptions that leave a legitimate host the
	// collector cannot tell from them: a configuration file (or drop-in)
	// removed or emptied is the daemon's defaults; an archived log
	// removed is one rotated or vacuumed away, and an empty one holds no
	// record to date the logs by (the older files do).
	absentOK := map[string]bool{
		"etc/audit/auditd.conf/empty":                      true,
		"etc/systemd/journald.conf/removed":                true,
		"etc/systemd/journald.conf/empty":                  true,
		"etc/systemd/journald.conf.d/10-size.conf/removed": true,
		"etc/systemd/journald.conf.d/10-size.conf/empty":   true,
		"var/log/audit/audit.log/empty":                    true,
		"var/log/audit/audit.log.2/removed":                true,
		"var/log/audit/audit.log.2/empty":                  true,
		journalDir + "system@8a9c7f2e1d3b4a5c8a9c7f2e1d3b4a5c-0000000000000001-00064e1f0ad3c000.journal/removed": true,
		// chrony.conf only says chrony is installed: its content decides
		// nothing, and the process table says whether chronyd runs.
		"etc/chrony/chrony.conf/directory": true,
		"etc/chrony/chrony.conf/empty":     true,
		"etc/chrony/chrony.conf/truncated": true,
		"etc/chrony/chrony.conf/garbage":   true,
	}
	setup := func(t *testing.T, host func(t *testing.T, dir string)) string {
		dir := fixture.Copy(t, filepath.Join("testdata", "roots", "good"), now)
		if host != nil {
			host(t, dir)
		}
		return dir
	}
	for _, host := range []func(t *testing.T, dir string){nil, auditdOnly, journaldOnly} {
		base := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: goodFacts(t, setup(t, host))}}, now)
		policytest.Check(t, base, map[string]result.Status{"ICO-LOG-01": result.Pass, "ICO-LOG-02": result.Pass})
	}
	for _, src := range sources {
		for _, kind := range fixture.Corruptions {
			name := src.rel + "/" + string(kind)
			t.Run(name, func(t *testing.T) {
				if absentOK[name] {
					t.Skip("a legitimate state the collector cannot tell from the corruption")
				}
				dir := setup(t, src.host)
				fixture.Corrupt(t, dir, src.rel, kind)
				results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: goodFacts(t, dir)}}, now)
				for _, id := range src.controls {
					r, ok := results[id]
					policytest.Untrusted{WarnOK: src.warnOK}.Check(t, id, r, ok)
				}
			})
		}
	}
}

// goodFacts collects the copied good fixture at dir with its options.
func goodFacts(t *testing.T, dir string) Facts {
	t.Helper()
	f, _ := collectortest.Facts[Facts](t, New(), dir, goodOptions)
	return f
}
