package scorecard

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/result"
)

// hostResults is a host's scorecard as the agent prints it (scan --format
// json), of which the fleet needs the host name and results.
type hostResults struct {
	Host    string          `json:"host"`
	Results []result.Result `json:"results"`
}

// loadFleet reads testdata/fleet: one <host>.json per reporting host, and
// missing.txt naming the hosts expected but silent.
func loadFleet(t testing.TB) (hosts []hostResults, missing []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fleet", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixture hosts: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var h hostResults
		if err := json.Unmarshal(b, &h); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		hosts = append(hosts, h)
	}
	mf, err := os.Open(filepath.Join("testdata", "fleet", "missing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer mf.Close()
	sc := bufio.NewScanner(mf)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			missing = append(missing, line)
		}
	}
	return hosts, missing
}

func fleetOf(t testing.TB, opts Options, hosts []hostResults, missing []string) *Fleet {
	t.Helper()
	f, err := NewTally(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		f.Add(h.Host, h.Results)
	}
	for _, m := range missing {
		f.AddMissing(m)
	}
	return f.Scorecard()
}

func ptr(v float64) *float64 { return &v }

func show(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprintf("%.1f", *p)
}

// The fixture fleet, by control (weight) and host; the hand arithmetic in
// the tests below and in docs/scoring.md works from this table.
//
//	host      SEC-01(10) ACC-01(7) ACC-03(7) RET-01(4) LOG-01(7) MON-01(4)
//	web-1     pass       pass      pass      pass      pass      pass
//	web-2     pass       fail      warn      n/a       pass      pass
//	db-1      FAIL       pass      pass      pass      fail      pass
//	files-1   pass       waived    pass      pass      n/a       pass
//	app-1     pass       pass      fail      n/a       error     pass
//	legacy-1  n/a        pass      pass      pass      pass      fail
//	kiosk-1   error      error     error     error     error     error
//	old-1     (expected, did not report)
//
// SEC-01 is critical; RMS holds SEC, ACC-01, ACC-03 and RET (28 per
// host), BRM holds LOG and MON (11 per host).

func TestHostScore(t *testing.T) {
	hosts, _ := loadFleet(t)
	byName := map[string][]result.Result{}
	for _, h := range hosts {
		byName[h.Host] = h.Results
	}
	tests := []struct {
		host                      string
		score, raw                *float64
		passed, waived, assessedW int
		coverage                  *float64
		critical                  int
	}{
		// 10+7+7+4+7+4 = 39 of 39.
		{"web-1", ptr(100), ptr(100), 39, 0, 39, ptr(100), 0},
		// RET n/a: assessed 10+7+7+7+4 = 35; ACC-01 fails: 35-7 = 28 pass
		// (the warn counts as passing); 28/35 = 80.0%. 5 of 6 assessed.
		{"web-2", ptr(80), ptr(80), 28, 0, 35, ptr(83.3), 0},
		// SEC and LOG fail: 39-10-7 = 22; 22/39 = 56.41% -> 56.4.
		{"db-1", ptr(56.4), ptr(56.4), 22, 0, 39, ptr(100), 1},
		// LOG n/a: assessed 10+7+7+4+4 = 32, all passing with ACC-01
		// waived: 100.0; raw (32-7)/32 = 25/32 = 78.125 -> 78.1.
		{"files-1", ptr(100), ptr(78.1), 32, 7, 32, ptr(83.3), 0},
		// RET n/a, LOG error: assessed 10+7+7+4 = 28; ACC-03 fails: 21/28 = 75.0.
		// 4 of 6 assessed: 66.7%.
		{"app-1", ptr(75), ptr(75), 21, 0, 28, ptr(66.7), 0},
		// SEC n/a: assessed 7+7+4+7+4 = 29; MON fails: 25/29 = 86.21 -> 86.2.
		{"legacy-1", ptr(86.2), ptr(86.2), 25, 0, 29, ptr(83.3), 0},
		// Nothing assessed: no score, not 0 and not 100.
		{"kiosk-1", nil, nil, 0, 0, 0, ptr(0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			h := HostScore(byName[tt.host])
			if show(h.Score) != show(tt.score) || show(h.RawScore) != show(tt.raw) {
				t.Errorf("HostScore(%s) score, raw = %s, %s, want %s, %s", tt.host, show(h.Score), show(h.RawScore), show(tt.score), show(tt.raw))
			}
			if h.PassedWeight != tt.passed || h.WaivedWeight != tt.waived || h.AssessedWeight != tt.assessedW {
				t.Errorf("HostScore(%s) weights passed, waived, assessed = %d, %d, %d, want %d, %d, %d", tt.host, h.PassedWeight, h.WaivedWeight, h.AssessedWeight, tt.passed, tt.waived, tt.assessedW)
			}
			if show(h.Coverage) != show(tt.coverage) {
				t.Errorf("HostScore(%s) coverage = %s, want %s", tt.host, show(h.Coverage), show(tt.coverage))
			}
			if h.CriticalFailures != tt.critical {
				t.Errorf("HostScore(%s) critical failures = %d, want %d", tt.host, h.CriticalFailures, tt.critical)
			}
		})
	}
}

func TestHostScoreEdges(t *testing.T) {
	r := func(sev result.Severity, st result.Status) result.Result {
		return result.Result{ControlID: string(sev) + string(st), Severity: sev, Status: st}
	}
	tests := []struct {
		name    string
		results []result.Result
		score   *float64
		total   int
	}{
		{"no results", nil, nil, 0},
		{"only not assessed", []result.Result{r(result.High, result.NotAssessed)}, nil, 1},
		// 1 of 10+1 = 9.09% -> 9.1: a critical failure weighs ten low passes.
		{"critical fail, low pass", []result.Result{r(result.Critical, result.Fail), r(result.Low, result.Pass)}, ptr(9.1), 2},
		// 4/(4+7) = 36.36% -> 36.4.
		{"medium warn, high fail", []result.Result{r(result.Medium, result.Warn), r(result.High, result.Fail)}, ptr(36.4), 2},
		// An unknown status is an error: out of the score.
		{"unknown status", []result.Result{r(result.Low, "maybe"), r(result.Low, result.Pass)}, ptr(100), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := HostScore(tt.results)
			if show(h.Score) != show(tt.score) || h.Counts.Total() != tt.total {
				t.Errorf("HostScore(%s) = score %s, %d results; want %s, %d", tt.name, show(h.Score), h.Counts.Total(), show(tt.score), tt.total)
			}
		})
	}
}

func TestRate(t *testing.T) {
	th := DefaultThresholds()
	tests := []struct {
		pass            *float64
		critical, hosts int
		want            Rating
	}{
		{ptr(100), 0, 10, High},
		{ptr(95), 0, 10, High},
		{ptr(94.9), 0, 10, Reasonable},
		{ptr(80), 0, 10, Reasonable},
		{ptr(79.9), 0, 10, Limited},
		{ptr(60), 0, 10, Limited},
		{ptr(59.9), 0, 10, VeryLimited},
		{ptr(0), 0, 10, VeryLimited},
		// Any critical failure rules out High: 1 of 1000 hosts is 0.1%.
		{ptr(99.9), 1, 1000, Reasonable},
		// 1 of 100,000 hosts rounds to a 0.0% share and still caps.
		{ptr(99.9), 1, 100000, Reasonable},
		// 2 of 100 = 2.0%: not above 2.0, Reasonable holds.
		{ptr(99), 2, 100, Reasonable},
		// 3 of 100 = 3.0% > 2.0: capped at Limited.
		{ptr(99), 3, 100, Limited},
		// 1 of 49 = 2.04% -> 2.0 as shown: not above 2.0.
		{ptr(99), 1, 49, Reasonable},
		// 1 of 48 = 2.08% -> 2.1: above.
		{ptr(99), 1, 48, Limited},
		// A cap never raises a rating.
		{ptr(50), 5, 10, VeryLimited},
		{ptr(70), 1, 1000, Limited},
		{nil, 0, 0, NotRated},
	}
	for _, tt := range tests {
		got, basis := th.Rate(tt.pass, tt.critical, tt.hosts)
		if got != tt.want {
			t.Errorf("Rate(%s, %d, %d) = %s (%s), want %s", show(tt.pass), tt.critical, tt.hosts, got, basis, tt.want)
		}
	}
}

func TestRateBasis(t *testing.T) {
	th := DefaultThresholds()
	tests := []struct {
		pass            float64
		critical, hosts int
		want            string
	}{
		{97, 0, 10, "weighted pass 97.0% is at least 95% (High); no unwaived critical failure"},
		{97, 1, 100, "weighted pass 97.0% is at least 95% (High), capped at Reasonable: unwaived critical failures on 1 of 100 assessed hosts (1.0%)"},
		{82.7, 1, 6, "weighted pass 82.7% is at least 80% (Reasonable), capped at Limited: unwaived critical failures on 1 of 6 assessed hosts (16.7%, more than 2%)"},
		{65, 1, 6, "weighted pass 65.0% is at least 60% (Limited); unwaived critical failures on 1 of 6 assessed hosts (16.7%, more than 2%)"},
	}
	for _, tt := range tests {
		if _, got := th.Rate(ptr(tt.pass), tt.critical, tt.hosts); got != tt.want {
			t.Errorf("Rate(%.1f, %d, %d) basis = %q, want %q", tt.pass, tt.critical, tt.hosts, got, tt.want)
		}
	}
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		th Thresholds
		ok bool
	}{
		{DefaultThresholds(), true},
		{Thresholds{High: 90, Reasonable: 70, Limited: 50, ReasonableMaxCriticalHostShare: 5}, true},
		{Thresholds{High: 80, Reasonable: 90, Limited: 50}, false},
		{Thresholds{High: 101, Reasonable: 80, Limited: 60}, false},
		{Thresholds{High: 95, Reasonable: 80, Limited: -1}, false},
		{Thresholds{High: 95, Reasonable: 80, Limited: 60, MinCoverage: 100}, true},
		{Thresholds{High: 95, Reasonable: 80, Limited: 60, MinCoverage: -1}, false},
		{Thresholds{High: 95, Reasonable: 80, Limited: 60, MinCoverage: 100.1}, false},
	}
	for _, tt := range tests {
		if err := tt.th.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok %v", tt.th, err, tt.ok)
		}
		if _, err := NewTally(Options{Thresholds: tt.th}); (err == nil) != tt.ok {
			t.Errorf("NewFleet(%+v) = %v, want ok %v", tt.th, err, tt.ok)
		}
	}
}

// TestFleetHandComputed checks the fixture fleet's numbers against the
// arithmetic done by hand (docs/scoring.md walks through the same).
func TestFleetHandComputed(t *testing.T) {
	hosts, missing := loadFleet(t)
	sc := fleetOf(t, Options{}, hosts, missing)

	type want struct {
		rating                 Rating
		pass, raw              *float64
		passed, waived, assess int64
		critical               int
		share                  *float64
		hostsAssessed          int
		hostCov                *float64
		pairs, pairsExpected   int64
		pairCov                *float64
	}
	check := func(name string, a Assurance, w want) {
		t.Helper()
		got := want{a.Rating, a.WeightedPass, a.RawWeightedPass, a.PassedWeight, a.WaivedWeight, a.AssessedWeight, a.CriticalHosts, a.CriticalHostShare,
			a.Coverage.HostsAssessed, a.Coverage.Hosts, a.Coverage.PairsAssessed, a.Coverage.PairsExpected, a.Coverage.Pairs}
		if fmt.Sprint(show(got.pass), show(got.raw), show(got.share), show(got.hostCov), show(got.pairCov)) != fmt.Sprint(show(w.pass), show(w.raw), show(w.share), show(w.hostCov), show(w.pairCov)) ||
			got.rating != w.rating || got.passed != w.passed || got.waived != w.waived || got.assess != w.assess ||
			got.critical != w.critical || got.hostsAssessed != w.hostsAssessed || got.pairs != w.pairs || got.pairsExpected != w.pairsExpected {
			t.Errorf("%s = %s pass %s raw %s weights %d/%d waived %d critical %d (%s%%) hosts %d (%s%%) pairs %d/%d (%s%%)\nwant %s pass %s raw %s weights %d/%d waived %d critical %d (%s%%) hosts %d (%s%%) pairs %d/%d (%s%%)",
				name, got.rating, show(got.pass), show(got.raw), got.passed, got.assess, got.waived, got.critical, show(got.share), got.hostsAssessed, show(got.hostCov), got.pairs, got.pairsExpected, show(got.pairCov),
				w.rating, show(w.pass), show(w.raw), w.passed, w.assess, w.waived, w.critical, show(w.share), w.hostsAssessed, show(w.hostCov), w.pairs, w.pairsExpected, show(w.pairCov))
		}
	}

	// Overall: passing weights 39+28+22+32+21+25 = 167 of assessed
	// 39+35+39+32+28+29 = 202: 82.67% -> 82.7 (Reasonable by the
	// percentage). Raw, with files-1's waived ACC-01 (7) as a failure:
	// 160/202 = 79.21% -> 79.2. db-1 fails the critical SEC-01: 1 of the
	// 6 assessed hosts (kiosk-1 assessed nothing) = 16.7% > 2%: capped at
	// Limited. Hosts: 6 assessed of 8 expected (7 reported + old-1) =
	// 75.0%. Pairs: 6+5+6+5+4+5+0 = 31 of 8 hosts x 6 controls = 48:
	// 64.58% -> 64.6.
	check("overall", sc.Overall, want{Limited, ptr(82.7), ptr(79.2), 167, 7, 202, 1, ptr(16.7), 6, ptr(75), 31, 48, ptr(64.6)})
	if len(sc.Areas) != 2 {
		t.Fatalf("areas = %d, want 2", len(sc.Areas))
	}
	// BRM (LOG 7, MON 4): passing 11+11+4+4+4+7 = 41 of 11+11+11+4+4+11 =
	// 52: 78.85% -> 78.8, Limited (60 <= 78.8 < 80); no critical control.
	// Pairs 2+2+2+1+1+2 = 10 of 8 x 2 = 16: 62.5%.
	check("BRM", sc.Areas[0].Assurance, want{Limited, ptr(78.8), ptr(78.8), 41, 0, 52, 0, ptr(0), 6, ptr(75), 10, 16, ptr(62.5)})
	// RMS (SEC 10, ACC-01 7, ACC-03 7, RET 4): passing 28+17+18+28+17+18 =
	// 126 of 28+24+28+28+24+18 = 150: 84.0%; raw 119/150 = 79.3%;
	// critical on db-1, 1 of 6 = 16.7%: Limited. Pairs 4+3+4+4+3+3 = 21
	// of 8 x 4 = 32: 65.6%.
	check("RMS", sc.Areas[1].Assurance, want{Limited, ptr(84), ptr(79.3), 126, 7, 150, 1, ptr(16.7), 6, ptr(75), 21, 32, ptr(65.6)})

	// Per control: pass rate = passing hosts / assessed hosts.
	rates := map[string]string{}
	for _, c := range sc.Controls {
		rates[c.ControlID] = fmt.Sprintf("%s %d/%d missing %d failing %v", show(c.PassRate), c.Counts.Pass+c.Counts.Warn+c.Counts.Waived, c.Counts.Assessed(), c.Missing, c.FailingHosts)
	}
	wantRates := map[string]string{
		"ICO-SEC-01": "80.0 4/5 missing 1 failing [db-1]",     // legacy-1 n/a, kiosk-1 error
		"ICO-ACC-01": "83.3 5/6 missing 1 failing [web-2]",    // files-1 waived counts as passing
		"ICO-ACC-03": "83.3 5/6 missing 1 failing [app-1]",    // web-2's warn counts as passing
		"ICO-RET-01": "100.0 4/4 missing 1 failing []",        // web-2, app-1 n/a
		"ICO-LOG-01": "75.0 3/4 missing 1 failing [db-1]",     // files-1 n/a, app-1 error
		"ICO-MON-01": "83.3 5/6 missing 1 failing [legacy-1]", // 5/6 = 83.33
	}
	if !reflect.DeepEqual(rates, wantRates) {
		t.Errorf("control pass rates = %v, want %v", rates, wantRates)
	}

	ids := func(fs []Finding) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s %s %d", f.ControlID, f.Priority, f.Hosts))
		}
		return out
	}
	lists := []struct {
		name string
		got  []Finding
		want []string
	}{
		{"good practice", sc.GoodPractice, []string{"ICO-RET-01 Medium 4"}},
		// Urgent first, then High by failing hosts (all 1) and ID, then Medium.
		{"improvements", sc.Improvements, []string{"ICO-SEC-01 Urgent 1", "ICO-ACC-01 High 1", "ICO-ACC-03 High 1", "ICO-LOG-01 High 1", "ICO-MON-01 Medium 1"}},
		{"advisories", sc.Advisories, []string{}}, // ACC-03 warns on web-2 but fails on app-1
		{"accepted risks", sc.AcceptedRisks, []string{"ICO-ACC-01 High 1"}},
	}
	for _, l := range lists {
		if got := ids(l.got); !reflect.DeepEqual(got, l.want) {
			t.Errorf("%s = %v, want %v", l.name, got, l.want)
		}
	}

	var lowest []string
	for _, h := range sc.LowestScoring {
		lowest = append(lowest, fmt.Sprintf("%s %.1f", h.Host, h.Score))
	}
	// kiosk-1 has no score, so it is not ranked; files-1 and web-1 tie
	// at 100 and go by name.
	wantLowest := []string{"db-1 56.4", "app-1 75.0", "web-2 80.0", "legacy-1 86.2", "files-1 100.0", "web-1 100.0"}
	if !reflect.DeepEqual(lowest, wantLowest) {
		t.Errorf("lowest scoring = %v, want %v", lowest, wantLowest)
	}
	if !reflect.DeepEqual(sc.MissingHosts, []string{"old-1"}) {
		t.Errorf("missing hosts = %v, want [old-1]", sc.MissingHosts)
	}
}

// TestFleetGolden writes the fixture fleet's scorecard as JSON and
// compares it with testdata/fleet.golden.json (go test -update rewrites
// it).
func TestFleetGolden(t *testing.T) {
	hosts, missing := loadFleet(t)
	sc := fleetOf(t, Options{}, hosts, missing)
	sc.Cycle = "2026-11-20"
	got, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "fleet.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("fleet scorecard mismatch (go test -update to accept)\ngot:\n%s\nwant:\n%s", got, want)
	}
	var back Fleet
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("json.Unmarshal(scorecard) = %v", err)
	}
	if !reflect.DeepEqual(&back, sc) {
		t.Errorf("scorecard does not survive a JSON round trip:\n%+v\n%+v", back, *sc)
	}
}

// TestFleetOrder checks that the scorecard does not depend on the order
// hosts arrive in, even with truncated host lists.
func TestFleetOrder(t *testing.T) {
	hosts, missing := loadFleet(t)
	opts := Options{HostListLimit: 1, LowestScoring: 2}
	a := fleetOf(t, opts, hosts, missing)
	rev := slices.Clone(hosts)
	slices.Reverse(rev)
	b := fleetOf(t, opts, rev, missing)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("scorecard depends on host order:\n%+v\n%+v", a, b)
	}
	if got := []string{a.LowestScoring[0].Host, a.LowestScoring[1].Host}; !reflect.DeepEqual(got, []string{"db-1", "app-1"}) {
		t.Errorf("lowest 2 = %v, want [db-1 app-1]", got)
	}
}

func TestFleetCatalogueAndDuplicates(t *testing.T) {
	catalogue := []result.Control{
		{ID: "ICO-SEC-01", Title: "OS supported", Area: "RMS", Severity: result.Critical},
		{ID: "ICO-BKP-01", Title: "Backups current", Area: "RMS", Severity: result.High, Remediation: "Back up."},
	}
	f, err := NewTally(Options{Controls: catalogue})
	if err != nil {
		t.Fatal(err)
	}
	f.Add("web-1", []result.Result{
		{ControlID: "ICO-SEC-01", Area: "RMS", Severity: result.Critical, Status: result.Pass},
		{ControlID: "ICO-SEC-01", Area: "RMS", Severity: result.Critical, Status: result.Fail}, // duplicate: ignored
		{ControlID: "ICO-LOG-01", Area: "BRM", Severity: result.High, Status: result.Pass},     // not in the catalogue: added
	})
	sc := f.Scorecard()
	// 3 controls x 1 host = 3 pairs expected, 2 assessed (BKP-01 missing).
	if c := sc.Overall.Coverage; c.PairsExpected != 3 || c.PairsAssessed != 2 || show(c.Pairs) != "66.7" {
		t.Errorf("pairs = %d/%d (%s%%), want 2/3 (66.7%%)", c.PairsAssessed, c.PairsExpected, show(c.Pairs))
	}
	// 10+7 passed of 17: High.
	if sc.Overall.Rating != High || show(sc.Overall.WeightedPass) != "100.0" {
		t.Errorf("overall = %s %s, want High 100.0", sc.Overall.Rating, show(sc.Overall.WeightedPass))
	}
	var bkp ControlScore
	for _, c := range sc.Controls {
		if c.ControlID == "ICO-BKP-01" {
			bkp = c
		}
	}
	if bkp.Missing != 1 || bkp.PassRate != nil || bkp.Title != "Backups current" {
		t.Errorf("ICO-BKP-01 = %+v, want missing on the one host, no pass rate", bkp)
	}
}

func TestFleetEmpty(t *testing.T) {
	f, err := NewTally(Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.AddMissing("web-1")
	sc := f.Scorecard()
	if sc.Overall.Rating != NotRated || sc.Overall.WeightedPass != nil || sc.Overall.Coverage.Hosts == nil || *sc.Overall.Coverage.Hosts != 0 {
		t.Errorf("fleet with only a missing host = %+v, want Not rated with 0%% host coverage", sc.Overall)
	}
}

func TestFleetAdvisories(t *testing.T) {
	f, err := NewTally(Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.Add("a", []result.Result{{ControlID: "ICO-ACC-03", Area: "RMS", Severity: result.High, Status: result.Warn}})
	f.Add("b", []result.Result{{ControlID: "ICO-ACC-03", Area: "RMS", Severity: result.High, Status: result.Pass}})
	sc := f.Scorecard()
	if len(sc.Advisories) != 1 || sc.Advisories[0].Hosts != 1 || !reflect.DeepEqual(sc.Advisories[0].Sample, []string{"a"}) || len(sc.GoodPractice) != 0 {
		t.Errorf("advisories = %+v, good practice = %+v; want ICO-ACC-03 warning on a, no good practice", sc.Advisories, sc.GoodPractice)
	}
}

func TestHostList(t *testing.T) {
	l := hostList{limit: 3}
	for _, h := range []string{"m", "c", "x", "a", "c", "b", "z"} {
		l.add(h)
	}
	if got := l.list(); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("hostList = %v, want [a b c]", got)
	}
}

// TestFleetBounded adds many hosts and checks that every list in the
// scorecard stays within its limit while the counts stay exact.
func TestFleetBounded(t *testing.T) {
	f, err := NewTally(Options{HostListLimit: 5, LowestScoring: 3})
	if err != nil {
		t.Fatal(err)
	}
	const n = 5000
	for i := range n {
		st := result.Pass
		if i%2 == 0 {
			st = result.Fail
		}
		f.Add(fmt.Sprintf("host-%05d", n-i), []result.Result{{ControlID: "ICO-SEC-01", Area: "RMS", Severity: result.Critical, Status: st}})
		f.AddMissing(fmt.Sprintf("gone-%05d", i))
	}
	sc := f.Scorecard()
	c := sc.Controls[0]
	if c.Counts.Fail != n/2 || len(c.FailingHosts) != 5 || c.FailingHosts[0] != "host-00002" {
		t.Errorf("failing = %d, hosts %v; want %d, the first 5 by name from host-00002", c.Counts.Fail, c.FailingHosts, n/2)
	}
	if len(sc.MissingHosts) != 5 || sc.Overall.Coverage.HostsExpected != 2*n || len(sc.LowestScoring) != 3 {
		t.Errorf("missing %v, expected %d, lowest %v", sc.MissingHosts, sc.Overall.Coverage.HostsExpected, sc.LowestScoring)
	}
	// Half the hosts fail a critical control: 50% > 2%.
	if sc.Overall.Rating != VeryLimited || show(sc.Overall.CriticalHostShare) != "50.0" {
		t.Errorf("overall = %s, critical share %s; want Very limited, 50.0", sc.Overall.Rating, show(sc.Overall.CriticalHostShare))
	}
}

func BenchmarkFleetAdd(b *testing.B) {
	hosts, _ := loadFleet(b)
	f, err := NewTally(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h := hosts[i%len(hosts)]
		f.Add(fmt.Sprintf("%s-%d", h.Host, i), h.Results)
		i++
	}
}
