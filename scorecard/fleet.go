package scorecard

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/auditfleet/auditfleet/result"
)

// AreaNames are the titles of the ICO Accountability Framework areas the
// controls use, by code.
var AreaNames = map[string]string{
	"RMS": "Records management and security",
	"BRM": "Breach response and monitoring",
}

// Options configure a Fleet. The zero value is usable.
type Options struct {
	// Thresholds for the ratings; the zero value means
	// DefaultThresholds.
	Thresholds Thresholds
	// Controls is the catalogue (e.g. the policy engine's Controls): its
	// controls count as expected on every host even when no host reports
	// them. Results for other controls add them as they come.
	Controls []result.Control
	// HostListLimit bounds every host list in the scorecard (failing,
	// warning, waived and missing hosts); 0 means 100.
	HostListLimit int
	// LowestScoring is how many of the lowest-scoring hosts to list; 0
	// means 10.
	LowestScoring int
}

// maxRevisions bounds FleetScorecard.PolicyRevisions.
const maxRevisions = 10

// Tally aggregates the results of many hosts into a FleetScorecard. Add
// each host that reported once, and AddMissing each host that was
// expected but did not. Its memory grows with the number of controls and
// areas (and the bounded host lists), not with the number of hosts. A
// Tally is not safe for concurrent use.
type Tally struct {
	th        Thresholds
	limit     int
	lowestN   int
	controls  map[string]*controlTally
	areas     map[string]*tally
	overall   tally
	reported  int
	missing   int
	absent    hostList
	revisions map[string]bool
	lowest    []HostRank
}

// tally sums the results of the whole fleet or one area.
type tally struct {
	passed, waived, assessed int64 // weights
	pairs                    int64 // assessed (host, control) pairs
	hostsAssessed            int
	criticalHosts            int
}

// controlTally sums one control's results over the fleet.
type controlTally struct {
	meta                      result.Control
	counts                    Counts
	failing, warning, waivers hostList
}

// NewTally returns an empty Fleet. It refuses invalid thresholds.
func NewTally(opts Options) (*Tally, error) {
	th := opts.Thresholds
	if th == (Thresholds{}) {
		th = DefaultThresholds()
	}
	if err := th.Validate(); err != nil {
		return nil, err
	}
	if opts.HostListLimit < 0 || opts.LowestScoring < 0 {
		return nil, fmt.Errorf("fleet options: host list limit %d and lowest scoring %d must not be negative", opts.HostListLimit, opts.LowestScoring)
	}
	f := &Tally{
		th:        th,
		limit:     cmp.Or(opts.HostListLimit, 100),
		lowestN:   cmp.Or(opts.LowestScoring, 10),
		controls:  map[string]*controlTally{},
		areas:     map[string]*tally{},
		revisions: map[string]bool{},
	}
	f.absent.limit = f.limit
	for _, c := range opts.Controls {
		f.control(c)
	}
	return f, nil
}

// control returns the tally of control c, adding it to the catalogue when
// it is new.
func (f *Tally) control(c result.Control) *controlTally {
	t, ok := f.controls[c.ID]
	if !ok {
		t = &controlTally{meta: c}
		t.failing.limit, t.warning.limit, t.waivers.limit = f.limit, f.limit, f.limit
		f.controls[c.ID] = t
		if f.areas[c.Area] == nil {
			f.areas[c.Area] = &tally{}
		}
	}
	return t
}

// Add adds one reported host's results. A second result for the same
// control on the host is ignored.
func (f *Tally) Add(host string, results []result.Result) {
	f.reported++
	type areaHost struct{ assessed, critical bool }
	perArea := map[string]*areaHost{}
	seen := make(map[string]bool, len(results))
	var anyAssessed, anyCritical bool
	for _, r := range results {
		if seen[r.ControlID] {
			continue
		}
		seen[r.ControlID] = true
		c := f.control(result.Control{ID: r.ControlID, Title: r.Title, Area: r.Area, Severity: r.Severity, Remediation: r.Remediation})
		c.counts.add(r.Status)
		switch r.Status {
		case result.Fail:
			c.failing.add(host)
		case result.Warn:
			c.warning.add(host)
		case result.Waived:
			c.waivers.add(host)
		}
		if r.PolicyRevision != "" && (f.revisions[r.PolicyRevision] || len(f.revisions) < maxRevisions) {
			f.revisions[r.PolicyRevision] = true
		}
		ok, passing := assessed(r.Status)
		if !ok {
			continue
		}
		w := int64(c.meta.Severity.Weight())
		area := f.areas[c.meta.Area]
		for _, t := range []*tally{area, &f.overall} {
			t.assessed += w
			t.pairs++
			if passing {
				t.passed += w
			}
			if r.Status == result.Waived {
				t.waived += w
			}
		}
		ah := perArea[c.meta.Area]
		if ah == nil {
			ah = &areaHost{}
			perArea[c.meta.Area] = ah
		}
		ah.assessed, anyAssessed = true, true
		if r.Status == result.Fail && c.meta.Severity == result.Critical {
			ah.critical, anyCritical = true, true
		}
	}
	for code, ah := range perArea {
		t := f.areas[code]
		if ah.assessed {
			t.hostsAssessed++
		}
		if ah.critical {
			t.criticalHosts++
		}
	}
	if anyAssessed {
		f.overall.hostsAssessed++
	}
	if anyCritical {
		f.overall.criticalHosts++
	}
	if hs := HostScore(results); hs.Score != nil {
		f.rank(HostRank{Host: host, Score: *hs.Score, CriticalFailures: hs.CriticalFailures, Failures: hs.Counts.Fail})
	}
}

// AddMissing records a host that was expected but did not report: it
// counts against coverage, for every control.
func (f *Tally) AddMissing(host string) {
	f.missing++
	f.absent.add(host)
}

// rank keeps the lowest-scoring hosts: lowest score first, then most
// critical failures, then most failures, then name.
func (f *Tally) rank(h HostRank) {
	order := func(a, b HostRank) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(b.CriticalFailures, a.CriticalFailures), cmp.Compare(b.Failures, a.Failures), cmp.Compare(a.Host, b.Host))
	}
	if len(f.lowest) == f.lowestN && order(h, f.lowest[len(f.lowest)-1]) >= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(f.lowest, h, order)
	f.lowest = slices.Insert(f.lowest, i, h)
	if len(f.lowest) > f.lowestN {
		f.lowest = f.lowest[:f.lowestN]
	}
}

// Scorecard returns the fleet's scorecard for the hosts added so far.
func (f *Tally) Scorecard() *Fleet {
	expected := f.reported + f.missing
	sc := &Fleet{
		SchemaVersion:   SchemaVersion,
		Thresholds:      f.th,
		PolicyRevisions: slices.Sorted(maps.Keys(f.revisions)),
		Areas:           []AreaScore{},
		Controls:        []ControlScore{},
		GoodPractice:    []Finding{},
		Improvements:    []Finding{},
		Advisories:      []Finding{},
		AcceptedRisks:   []Finding{},
		LowestScoring:   slices.Clone(f.lowest),
		MissingHosts:    f.absent.list(),
	}
	if sc.PolicyRevisions == nil {
		sc.PolicyRevisions = []string{}
	}
	if sc.LowestScoring == nil {
		sc.LowestScoring = []HostRank{}
	}

	areaControls := map[string][]string{}
	areaWeight := map[string]int64{}
	var weight int64
	for _, id := range slices.Sorted(maps.Keys(f.controls)) {
		c := f.controls[id]
		areaWeight[c.meta.Area] += int64(c.meta.Severity.Weight())
		weight += int64(c.meta.Severity.Weight())
		cs := ControlScore{
			ControlID: id, Title: c.meta.Title, Area: c.meta.Area,
			Severity: c.meta.Severity, Priority: c.meta.Severity.Priority(), Weight: c.meta.Severity.Weight(),
			Counts:       c.counts,
			Missing:      expected - c.counts.Total(),
			PassRate:     percent(int64(c.counts.Pass+c.counts.Warn+c.counts.Waived), int64(c.counts.Assessed())),
			FailingHosts: c.failing.list(),
			WarningHosts: c.warning.list(),
			WaivedHosts:  c.waivers.list(),
			Remediation:  c.meta.Remediation,
		}
		sc.Controls = append(sc.Controls, cs)
		areaControls[c.meta.Area] = append(areaControls[c.meta.Area], id)

		finding := func(hosts int, sample []string) Finding {
			return Finding{
				ControlID: id, Title: cs.Title, Area: cs.Area, Severity: cs.Severity, Priority: cs.Priority,
				Hosts: hosts, HostsAssessed: c.counts.Assessed(), Sample: sample, Remediation: cs.Remediation,
			}
		}
		n := c.counts
		switch {
		case n.Fail > 0:
			sc.Improvements = append(sc.Improvements, finding(n.Fail, cs.FailingHosts))
		case n.Warn > 0:
			sc.Advisories = append(sc.Advisories, finding(n.Warn, cs.WarningHosts))
		case n.Assessed() > 0 && n.Pass == n.Assessed():
			g := finding(n.Pass, []string{})
			g.Remediation = ""
			sc.GoodPractice = append(sc.GoodPractice, g)
		}
		if n.Waived > 0 {
			sc.AcceptedRisks = append(sc.AcceptedRisks, finding(n.Waived, cs.WaivedHosts))
		}
	}
	byPriority := func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity.Weight(), a.Severity.Weight()), cmp.Compare(b.Hosts, a.Hosts), cmp.Compare(a.ControlID, b.ControlID))
	}
	for _, list := range [][]Finding{sc.GoodPractice, sc.Improvements, sc.Advisories, sc.AcceptedRisks} {
		slices.SortStableFunc(list, byPriority)
	}

	sc.Overall = f.assurance(&f.overall, len(f.controls), weight)
	for _, code := range slices.Sorted(maps.Keys(f.areas)) {
		ids := areaControls[code]
		if ids == nil {
			ids = []string{}
		}
		sc.Areas = append(sc.Areas, AreaScore{
			Area: code, Name: cmp.Or(AreaNames[code], code), Controls: ids,
			Assurance: f.assurance(f.areas[code], len(ids), areaWeight[code]),
		})
	}
	return sc
}

// assurance rates one tally over nControls controls weighing weight in
// all (per host).
func (f *Tally) assurance(t *tally, nControls int, weight int64) Assurance {
	expected := f.reported + f.missing
	a := Assurance{
		WeightedPass:      percent(t.passed, t.assessed),
		RawWeightedPass:   percent(t.passed-t.waived, t.assessed),
		PassedWeight:      t.passed,
		WaivedWeight:      t.waived,
		AssessedWeight:    t.assessed,
		CriticalHosts:     t.criticalHosts,
		CriticalHostShare: percent(int64(t.criticalHosts), int64(t.hostsAssessed)),
		Coverage: Coverage{
			HostsExpected:  expected,
			HostsReported:  f.reported,
			HostsAssessed:  t.hostsAssessed,
			Hosts:          percent(int64(t.hostsAssessed), int64(expected)),
			PairsExpected:  int64(expected) * int64(nControls),
			PairsAssessed:  t.pairs,
			Pairs:          percent(t.pairs, int64(expected)*int64(nControls)),
			WeightExpected: int64(expected) * weight,
			Weight:         percent(t.assessed, int64(expected)*weight),
		},
	}
	a.Rating, a.Basis, a.Reason = f.th.RateCovered(a.WeightedPass, a.Coverage.Weight, t.criticalHosts, t.hostsAssessed)
	return a
}
