package backups

import (
	"time"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// newJob starts the facts of a declared job. A declared job is always
// counted: no name heuristic (nor the housekeeping list) applies to it.
func newJob(spec JobSpec, tool string) Job {
	reason := "declared in options (" + tool + " repository)"
	if tool == "declared" {
		reason = "declared in options (marker file)"
	}
	return Job{ID: spec.ID(), Tool: tool, Source: "options", Reason: reason, Repository: RedactURL(spec.Repository), LastResult: "unknown"}
}

// setSuccess records t as the last successful run (and the last run,
// unless a later one is known).
func (j *Job) setSuccess(t time.Time) {
	t = t.UTC().Truncate(time.Second)
	j.LastSuccess = &t
	if j.LastRun == nil || j.LastRun.Before(t) {
		j.LastRun = &t
		j.LastResult = "success"
	}
}

// setRun records a run and its result.
func (j *Job) setRun(t time.Time, result string) {
	t = t.UTC().Truncate(time.Second)
	if j.LastRun == nil || !j.LastRun.After(t) {
		j.LastRun = &t
		j.LastResult = result
	}
	if result == "success" && (j.LastSuccess == nil || j.LastSuccess.Before(t)) {
		j.LastSuccess = &t
	}
}

// declare applies the job's declared protections where the collector
// saw nothing; a declaration contradicting what it saw is a warning and
// loses.
func declare(j Job, spec JobSpec, warns *sdk.Warnings) Job {
	for _, p := range []struct {
		name     string
		seen     **bool
		declared *bool
	}{{"encrypted", &j.Encrypted, spec.Encrypted}, {"off_host", &j.OffHost, spec.OffHost}, {"immutable", &j.Immutable, spec.Immutable}} {
		switch {
		case p.declared == nil:
		case *p.seen == nil:
			*p.seen = ptr(*p.declared)
		case **p.seen != *p.declared:
			warns.Add("%s: declared %s=%v, but the collector found %v; using what it found", j.ID, p.name, *p.declared, **p.seen)
		}
	}
	return j
}
