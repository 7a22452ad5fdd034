package change

import (
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthCorruptSources corrupts or hides each source of the change
// facts on the clean host, where ICO-CHG-01 passes, and checks that the
// control then never passes: an unread source is unknown, never "nothing
// wrong".
func TestTruthCorruptSources(t *testing.T) {
	const options = `{"canary_paths":["/srv/casework"],"canaries":["TESTDATA-CANARY-0042"]}`
	at := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	corrupt := func(kind fixture.Corruption) func(t *testing.T, dir, rel string) {
		return func(t *testing.T, dir, rel string) { fixture.Corrupt(t, dir, rel, kind) }
	}
	cutInRecord := func(t *testing.T, dir, rel string) {
		fixture.Write(t, dir, map[string]string{rel: `{"application":"casework-api","deployed_at":"2026-08-20T14:0`})
	}
	// appended adds lines after the clean host's one good record: the
	// newest deployment may be in what cannot be understood.
	appended := func(lines string) func(t *testing.T, dir, rel string) {
		return func(t *testing.T, dir, rel string) {
			fixture.Rewrite(t, dir, rel, func(b []byte) []byte { return append(b, lines...) })
		}
	}
	const deployments = "var/lib/auditfleet/deployments.jsonl"
	tests := []struct {
		name, rel string
		do        func(t *testing.T, dir, rel string)
	}{
		// A removed or empty deployments file is a host with no
		// deployment record: not a corruption the collector can see.
		{"deployments directory", deployments, corrupt(fixture.Directory)},
		{"deployments dangling symlink", deployments, corrupt(fixture.DanglingSymlink)},
		{"deployments truncated", deployments, corrupt(fixture.Truncated)},
		{"deployments cut inside its only record", deployments, cutInRecord},
		{"deployments garbage", deployments, corrupt(fixture.Garbage)},
		{"deployments with a later record cut short", deployments, appended(`{"application":"casework-api","deployed_at":"2026-08-29T09:00:00Z","commit":"77ab`)},
		{"deployments with a garbled line", deployments, appended("\x00\x17\xfe{garbled\n")},
		{"deployments with a record missing its time", deployments, appended(`{"application":"casework-api","commit":"77ab01c","branch":"hotfix"}` + "\n")},
		{"canary path removed", "srv/casework", corrupt(fixture.Removed)},
		{"canary path dangling symlink", "srv/casework", corrupt(fixture.DanglingSymlink)},
		// A declared path that is a regular file is searched as one, and
		// the walk of a directory skips symbolic links by design: neither
		// leaves the declared path unsearched.
	}
	e := policytest.Engine(t, map[string]any{"baseline": map[string]any{"protected_branches": []any{"main", "release"}}})
	eval := func(t *testing.T, dir string) result.Result {
		f, _ := mustFacts(t, New(), dir, options)
		r := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, at)
		got, ok := r["ICO-CHG-01"]
		if !ok {
			t.Fatal("no ICO-CHG-01 result")
		}
		return got
	}
	if got := eval(t, fixture.Copy(t, host("clean"), at)); got.Status != result.Pass {
		t.Fatalf("ICO-CHG-01 on the clean host = %s, want pass", got.Status)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fixture.Copy(t, host("clean"), at)
			tt.do(t, dir, tt.rel)
			policytest.Untrusted{}.Check(t, "ICO-CHG-01", eval(t, dir), true)
		})
	}
}
