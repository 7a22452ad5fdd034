package scorecard

import (
	"time"

	"github.com/auditfleet/auditfleet/result"
)

// SchemaVersion is the version of the FleetScorecard JSON layout.
const SchemaVersion = 1

// Fleet is the fleet's assurance for one cycle: what the server
// writes each cycle and the web UI shows. It holds no per-host data
// beyond bounded lists, so its size depends on the number of controls,
// not hosts.
type Fleet struct {
	SchemaVersion int `json:"schema_version"`
	// Cycle and GeneratedAt identify the audit cycle; the caller sets
	// them.
	Cycle       string    `json:"cycle,omitempty"`
	GeneratedAt time.Time `json:"generated_at,omitzero"`
	// Thresholds are the rating thresholds used.
	Thresholds Thresholds `json:"thresholds"`
	// PolicyRevisions are the distinct policy revisions of the results
	// (at most 10): more than one means hosts were judged by different
	// policies.
	PolicyRevisions []string `json:"policy_revisions"`
	// Overall is the fleet's assurance across every area.
	Overall Assurance `json:"overall"`
	// Areas is the assurance per ICO area, by area code.
	Areas []AreaScore `json:"areas"`
	// Controls is every control's result over the fleet, by control ID.
	Controls []ControlScore `json:"controls"`
	// GoodPractice are the areas of good practice: controls that passed
	// on every host that assessed them.
	GoodPractice []Finding `json:"good_practice"`
	// Improvements are the areas for improvement: controls that failed
	// on at least one host, most urgent first.
	Improvements []Finding `json:"improvements"`
	// Advisories are controls that warned somewhere but failed nowhere.
	Advisories []Finding `json:"advisories"`
	// AcceptedRisks are controls with waived failures.
	AcceptedRisks []Finding `json:"accepted_risks"`
	// LowestScoring are the hosts with the lowest scores, lowest first.
	LowestScoring []HostRank `json:"lowest_scoring"`
	// MissingHosts are the alphabetically first hosts that were expected
	// but did not report; Overall.Coverage counts them all.
	MissingHosts []string `json:"missing_hosts"`
}

// Assurance is the rating of the whole fleet or one area, with the
// numbers behind it.
type Assurance struct {
	// Rating is the assurance level; Basis says how it was reached.
	Rating Rating `json:"rating"`
	Basis  string `json:"basis"`
	// Reason is set when Rating is "Not rated": "nothing_assessed" or
	// "insufficient_evidence" (the assessed share of the weight,
	// Coverage.Weight, is below Thresholds.MinCoverage).
	Reason string `json:"reason,omitempty"`
	// WeightedPass is 100 × PassedWeight / AssessedWeight over every
	// assessed (host, control) pair, one decimal; null when nothing was
	// assessed.
	WeightedPass *float64 `json:"weighted_pass"`
	// RawWeightedPass counts waived failures as failures.
	RawWeightedPass *float64 `json:"raw_weighted_pass"`
	PassedWeight    int64    `json:"passed_weight"`
	WaivedWeight    int64    `json:"waived_weight"`
	AssessedWeight  int64    `json:"assessed_weight"`
	// CriticalHosts counts assessed hosts with an unwaived critical
	// failure; CriticalHostShare is their share of HostsAssessed.
	CriticalHosts     int      `json:"critical_hosts"`
	CriticalHostShare *float64 `json:"critical_host_share"`
	// Coverage says how much of the fleet the rating rests on. It is
	// reported beside the rating and never counted as a pass.
	Coverage Coverage `json:"coverage"`
}

// Coverage is how much was actually assessed.
type Coverage struct {
	// HostsExpected are the hosts that reported plus those expected that
	// did not.
	HostsExpected int `json:"hosts_expected"`
	HostsReported int `json:"hosts_reported"`
	// HostsAssessed reported at least one assessed result (in the area,
	// for an area).
	HostsAssessed int `json:"hosts_assessed"`
	// Hosts is 100 × HostsAssessed / HostsExpected.
	Hosts *float64 `json:"hosts"`
	// PairsExpected is HostsExpected × the number of controls (in the
	// area); PairsAssessed counts the (host, control) pairs with an
	// assessed result.
	PairsExpected int64 `json:"pairs_expected"`
	PairsAssessed int64 `json:"pairs_assessed"`
	// Pairs is 100 × PairsAssessed / PairsExpected.
	Pairs *float64 `json:"pairs"`
	// WeightExpected is the severity weight of the expected pairs:
	// HostsExpected × the weight of the controls (in the area).
	// Weight is 100 × AssessedWeight / WeightExpected, one decimal: the
	// share of the evidence the rating rests on, compared with
	// Thresholds.MinCoverage.
	WeightExpected int64    `json:"weight_expected"`
	Weight         *float64 `json:"weight"`
}

// Label is the rating as shown to a reader: "Not rated: insufficient
// evidence" when the coverage was too low, else the rating.
func (a Assurance) Label() string {
	if a.Reason == ReasonInsufficientEvidence {
		return string(NotRated) + ": insufficient evidence"
	}
	return string(a.Rating)
}

// AreaScore is the assurance of one ICO area.
type AreaScore struct {
	// Area is the area's code, e.g. "RMS"; Name its title.
	Area string `json:"area"`
	Name string `json:"name"`
	// Controls are the IDs of the area's controls.
	Controls []string `json:"controls"`
	Assurance
}

// ControlScore is one control's result over the fleet.
type ControlScore struct {
	ControlID string          `json:"control_id"`
	Title     string          `json:"title"`
	Area      string          `json:"area"`
	Severity  result.Severity `json:"severity"`
	Priority  string          `json:"priority"`
	Weight    int             `json:"weight"`
	// Counts counts the hosts by status; Missing counts expected hosts
	// without a result for the control (not reported, or reported
	// without it).
	Counts  Counts `json:"counts"`
	Missing int    `json:"missing"`
	// PassRate is 100 × passing hosts (pass, warn, waived) / assessed
	// hosts, one decimal; null when no host assessed it.
	PassRate *float64 `json:"pass_rate"`
	// FailingHosts are the alphabetically first failing hosts;
	// Counts.Fail counts them all. WarningHosts and WaivedHosts likewise.
	FailingHosts []string `json:"failing_hosts"`
	WarningHosts []string `json:"warning_hosts"`
	WaivedHosts  []string `json:"waived_hosts"`
	Remediation  string   `json:"remediation,omitempty"`
}

// Finding is a control in the good-practice, improvement, advisory or
// accepted-risk list.
type Finding struct {
	ControlID string          `json:"control_id"`
	Title     string          `json:"title"`
	Area      string          `json:"area"`
	Severity  result.Severity `json:"severity"`
	// Priority is the ICO recommendation priority (Urgent, High, Medium,
	// Low).
	Priority string `json:"priority"`
	// Hosts counts the hosts concerned (failing, warning, waived or, for
	// good practice, passing) out of HostsAssessed.
	Hosts         int `json:"hosts"`
	HostsAssessed int `json:"hosts_assessed"`
	// Sample are the alphabetically first hosts concerned (failing,
	// warning or waived; empty for good practice).
	Sample      []string `json:"sample"`
	Remediation string   `json:"remediation,omitempty"`
}

// HostRank is one host among the lowest scoring.
type HostRank struct {
	Host             string  `json:"host"`
	Score            float64 `json:"score"`
	CriticalFailures int     `json:"critical_failures"`
	Failures         int     `json:"failures"`
}
