package waiver

import (
	"path"
	"time"

	"github.com/auditfleet/auditfleet/result"
)

// DateLayout is how waiver dates are written: "YYYY-MM-DD".
const DateLayout = "2006-01-02"

// MaxDays is the longest a waiver may run, from its created date to its
// expiry date: a year, so that every accepted risk is reviewed at least
// once a year. Package orgdata refuses longer waivers.
const MaxDays = 366

// Waiver is an approved, time-limited exception: failures of one control
// on the hosts it selects are reported as waived rather than failed.
type Waiver struct {
	// ID names the waiver in reports, e.g. "W-012".
	ID string
	// Control is the control ID it covers, e.g. "ICO-SEC-01".
	Control string
	// Hosts are glob patterns (path.Match syntax) over host names; a
	// host is selected when it matches any of them.
	Hosts []string
	// Tags select hosts that have every one of these tags. With both
	// Hosts and Tags, a host must match a pattern and have the tags. A
	// waiver with neither selects no host.
	Tags map[string]string
	// Subject, when set, limits the waiver to evidence items with this
	// exact subject (a user name, a path, a package or unit name).
	Subject string
	// Reason says why the risk is accepted.
	Reason string
	// Approver is who accepted the risk.
	Approver string
	// Created is the first day the waiver applies (00:00 UTC).
	Created time.Time
	// Expires is the last day the waiver applies (00:00 UTC of that day):
	// the expiry date is inclusive, so the waiver applies until the day
	// ends, 24:00 UTC.
	Expires time.Time
}

// Host identifies the host whose results are being waived.
type Host struct {
	// Name is the host name the Hosts patterns are matched against.
	Name string
	// Tags are the host's effective tags (organisation host tags merged
	// with the host's own), matched against a waiver's Tags.
	Tags map[string]string
}

// end is the instant the waiver stops applying: the end of its expiry
// day.
func (w Waiver) end() time.Time { return w.Expires.AddDate(0, 0, 1) }

// Active reports whether the waiver applies at now: from the start of its
// created day to the end of its expiry day (UTC).
func (w Waiver) Active(now time.Time) bool {
	return !now.Before(w.Created) && now.Before(w.end())
}

// Expired reports whether the waiver's expiry day has ended at now.
func (w Waiver) Expired(now time.Time) bool { return !now.Before(w.end()) }

// Selects reports whether the waiver's host selector matches h.
func (w Waiver) Selects(h Host) bool {
	if len(w.Hosts) == 0 && len(w.Tags) == 0 {
		return false
	}
	if len(w.Hosts) > 0 && !matchAny(w.Hosts, h.Name) {
		return false
	}
	for k, v := range w.Tags {
		if got, ok := h.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// matchAny reports whether name matches any of the glob patterns; a
// malformed pattern matches nothing (orgdata refuses them).
func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, err := path.Match(p, name); err == nil && ok {
			return true
		}
	}
	return false
}

// Ref is the reference a waived result carries.
func (w Waiver) Ref() *result.WaiverRef {
	return &result.WaiverRef{ID: w.ID, Reason: w.Reason, Approver: w.Approver, Expires: w.Expires.Format(DateLayout)}
}

// Usage counts, per waiver ID, the failing results a waiver covered (in
// whole or in part). Waivers absent from it covered nothing.
type Usage map[string]int

// Add adds the counts of other to u, so that one Usage can gather a
// whole fleet's.
func (u Usage) Add(other Usage) {
	for id, n := range other {
		u[id] += n
	}
}

// Apply returns results with the waivers applied for one host at now, and
// which waivers covered something. Only a fail can become waived; pass,
// warn, not_assessed and error results are returned unchanged, and
// waivers that are not active at now (not yet created, or expired) are
// ignored. The input is not modified.
//
// A fail is waived when every one of its evidence items is covered by an
// active waiver for its control that selects the host: a waiver without
// Subject covers every item, one with Subject covers the items with that
// subject. A fail without evidence can only be waived by a waiver without
// Subject. When several waivers cover an item, the one lasting longest
// counts for it; the waived result references the waiver, among those,
// that ends first, so its expiry date is when the result turns back into a
// failure (ties go to the waiver listed first). Items covered by a waiver other than the reference (and, when
// the result stays a fail because some item is not covered, every covered
// item) get "(waived by ID until DATE)" appended to their detail.
func Apply(results []result.Result, host Host, waivers []Waiver, now time.Time) ([]result.Result, Usage) {
	used := Usage{}
	out := make([]result.Result, len(results))
	copy(out, results)
	var candidates []int // indices into waivers; reused
	for i := range out {
		r := &out[i]
		if r.Status != result.Fail {
			continue
		}
		candidates = candidates[:0]
		for j, w := range waivers {
			if w.Control == r.ControlID && w.Active(now) && w.Selects(host) {
				candidates = append(candidates, j)
			}
		}
		if len(candidates) > 0 {
			apply(r, waivers, candidates, used)
		}
	}
	return out, used
}

// apply waives r, in whole or in part, with the candidate waivers (active,
// for its control and host), and counts the waivers that covered an item.
func apply(r *result.Result, waivers []Waiver, candidates []int, used Usage) {
	// items are the evidence subjects to cover; a fail without evidence
	// has one pseudo-item only a whole-control waiver covers.
	n := max(len(r.Evidence), 1)
	chosen := make([]int, n) // per item, index into waivers, or -1
	covering := map[int]bool{}
	all := true
	for k := range n {
		chosen[k] = -1
		for _, j := range candidates {
			w := waivers[j]
			if w.Subject != "" && (len(r.Evidence) == 0 || w.Subject != r.Evidence[k].Subject) {
				continue
			}
			covering[j] = true
			if c := chosen[k]; c < 0 || waivers[j].Expires.After(waivers[c].Expires) {
				chosen[k] = j
			}
		}
		if chosen[k] < 0 {
			all = false
		}
	}
	for j := range covering {
		used[waivers[j].ID]++
	}
	if len(covering) == 0 {
		return
	}

	ref := -1
	if all {
		for _, c := range chosen {
			if ref < 0 || waivers[c].Expires.Before(waivers[ref].Expires) ||
				(waivers[c].Expires.Equal(waivers[ref].Expires) && c < ref) {
				ref = c
			}
		}
		r.Status = result.Waived
		r.Waiver = waivers[ref].Ref()
	}
	if len(r.Evidence) == 0 {
		return
	}
	evidence := make([]result.Evidence, len(r.Evidence))
	copy(evidence, r.Evidence)
	for k, c := range chosen {
		if c < 0 || c == ref {
			continue
		}
		w := waivers[c]
		evidence[k].Detail += " (waived by " + w.ID + " until " + w.Expires.Format(DateLayout) + ")"
	}
	r.Evidence = evidence
}
