package scorecard

import (
	"errors"
	"fmt"
	"math"
)

// Rating is an ICO assurance level.
type Rating string

// Ratings, best first. NotRated means there is not enough evidence to
// rate (nothing assessed, or less than the minimum coverage), which is
// not the same as a good result; Assurance.Reason says which.
const (
	High        Rating = "High"
	Reasonable  Rating = "Reasonable"
	Limited     Rating = "Limited"
	VeryLimited Rating = "Very limited"
	NotRated    Rating = "Not rated"
)

// rank orders ratings, best first; NotRated ranks last.
func (r Rating) rank() int {
	switch r {
	case High:
		return 0
	case Reasonable:
		return 1
	case Limited:
		return 2
	case VeryLimited:
		return 3
	}
	return 4
}

// Thresholds set where the ratings start. All are percentages.
type Thresholds struct {
	// High is the minimum weighted pass for High (default 95).
	High float64 `json:"high"`
	// Reasonable is the minimum weighted pass for Reasonable (default 80).
	Reasonable float64 `json:"reasonable"`
	// Limited is the minimum weighted pass for Limited (default 60);
	// below it the rating is Very limited.
	Limited float64 `json:"limited"`
	// ReasonableMaxCriticalHostShare is the largest share of assessed
	// hosts with an unwaived critical failure that still allows
	// Reasonable (default 2.0). Any critical failure at all rules out
	// High.
	ReasonableMaxCriticalHostShare float64 `json:"reasonable_max_critical_host_share"`
	// MinCoverage is the smallest assessed share of the severity weight
	// (Coverage.Weight) that may be rated (default 50); below it the
	// rating is Not rated, for insufficient evidence.
	MinCoverage float64 `json:"min_coverage"`
}

// Reasons a rating is NotRated, as Assurance.Reason.
const (
	// ReasonNothingAssessed: no result was assessed at all.
	ReasonNothingAssessed = "nothing_assessed"
	// ReasonInsufficientEvidence: the assessed share of the weight is
	// below Thresholds.MinCoverage.
	ReasonInsufficientEvidence = "insufficient_evidence"
)

// DefaultThresholds are the thresholds of the control catalogue.
func DefaultThresholds() Thresholds {
	return Thresholds{High: 95, Reasonable: 80, Limited: 60, ReasonableMaxCriticalHostShare: 2.0, MinCoverage: 50}
}

// Validate checks 0 <= Limited <= Reasonable <= High <= 100 and a share
// and a minimum coverage between 0 and 100.
func (t Thresholds) Validate() error {
	var errs []error
	for _, v := range []struct {
		name string
		v    float64
	}{{"high", t.High}, {"reasonable", t.Reasonable}, {"limited", t.Limited}, {"reasonable_max_critical_host_share", t.ReasonableMaxCriticalHostShare}, {"min_coverage", t.MinCoverage}} {
		if math.IsNaN(v.v) || v.v < 0 || v.v > 100 {
			errs = append(errs, fmt.Errorf("rating thresholds: %s is %v, want 0 to 100", v.name, v.v))
		}
	}
	if !(t.Limited <= t.Reasonable && t.Reasonable <= t.High) {
		errs = append(errs, fmt.Errorf("rating thresholds: want limited (%v) <= reasonable (%v) <= high (%v)", t.Limited, t.Reasonable, t.High))
	}
	return errors.Join(errs...)
}

// round1 rounds to one decimal place.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// percent is 100 × part / whole rounded to one decimal, or nil when whole
// is 0 (nothing to divide: no evidence, not 0% and not 100%).
func percent(part, whole int64) *float64 {
	if whole == 0 {
		return nil
	}
	p := round1(100 * float64(part) / float64(whole))
	return &p
}

// Rate rates a weighted pass percentage, given how many of the assessed
// hosts have an unwaived critical failure. It compares the values as
// reported, rounded to one decimal, so that the rating can be checked
// against the numbers shown:
//
//  1. the weighted pass gives the base rating: High from t.High,
//     Reasonable from t.Reasonable, Limited from t.Limited, else Very
//     limited;
//  2. any host with an unwaived critical failure caps the rating at
//     Reasonable;
//  3. a critical-failure host share (criticalHosts / hostsAssessed)
//     above t.ReasonableMaxCriticalHostShare caps it at Limited.
//
// It returns NotRated when weightedPass is nil (nothing assessed), and in
// every case a sentence saying why.
func (t Thresholds) Rate(weightedPass *float64, criticalHosts, hostsAssessed int) (Rating, string) {
	if weightedPass == nil || hostsAssessed == 0 {
		return NotRated, "nothing was assessed, so there is no evidence to rate"
	}
	p := *weightedPass
	var base Rating
	var basis string
	switch {
	case p >= t.High:
		base, basis = High, fmt.Sprintf("weighted pass %.1f%% is at least %g%% (High)", p, t.High)
	case p >= t.Reasonable:
		base, basis = Reasonable, fmt.Sprintf("weighted pass %.1f%% is at least %g%% (Reasonable)", p, t.Reasonable)
	case p >= t.Limited:
		base, basis = Limited, fmt.Sprintf("weighted pass %.1f%% is at least %g%% (Limited)", p, t.Limited)
	default:
		base, basis = VeryLimited, fmt.Sprintf("weighted pass %.1f%% is below %g%% (Very limited)", p, t.Limited)
	}
	if criticalHosts == 0 {
		return base, basis + "; no unwaived critical failure"
	}
	share := *percent(int64(criticalHosts), int64(hostsAssessed))
	hosts := fmt.Sprintf("unwaived critical failures on %d of %d assessed hosts (%.1f%%", criticalHosts, hostsAssessed, share)
	capped, why := Reasonable, hosts+")"
	if share > t.ReasonableMaxCriticalHostShare {
		capped, why = Limited, fmt.Sprintf("%s, more than %g%%)", hosts, t.ReasonableMaxCriticalHostShare)
	}
	if capped.rank() > base.rank() {
		return capped, fmt.Sprintf("%s, capped at %s: %s", basis, capped, why)
	}
	return base, fmt.Sprintf("%s; %s", basis, why)
}

// RateCovered is Rate with the minimum coverage applied first: when
// coverage (the assessed share of the weight, as reported) is below
// t.MinCoverage, the rating is NotRated for insufficient evidence,
// whatever the weighted pass. It returns the rating, the sentence saying
// why and, for NotRated, the reason (ReasonNothingAssessed or
// ReasonInsufficientEvidence).
func (t Thresholds) RateCovered(weightedPass, coverage *float64, criticalHosts, hostsAssessed int) (Rating, string, string) {
	if weightedPass == nil || hostsAssessed == 0 {
		r, basis := t.Rate(weightedPass, criticalHosts, hostsAssessed)
		return r, basis, ReasonNothingAssessed
	}
	if coverage != nil && *coverage < t.MinCoverage {
		return NotRated, fmt.Sprintf("insufficient evidence: %.1f%% of the weight was assessed, below the %g%% minimum coverage", *coverage, t.MinCoverage), ReasonInsufficientEvidence
	}
	r, basis := t.Rate(weightedPass, criticalHosts, hostsAssessed)
	return r, basis, ""
}
