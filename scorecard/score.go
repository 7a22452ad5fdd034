package scorecard

import "github.com/auditfleet/auditfleet/result"

// Counts counts results by status.
type Counts struct {
	Pass        int `json:"pass"`
	Warn        int `json:"warn"`
	Waived      int `json:"waived"`
	Fail        int `json:"fail"`
	NotAssessed int `json:"not_assessed"`
	Error       int `json:"error"`
}

// add counts one status; an unknown status counts as an error.
func (c *Counts) add(s result.Status) {
	switch s {
	case result.Pass:
		c.Pass++
	case result.Warn:
		c.Warn++
	case result.Waived:
		c.Waived++
	case result.Fail:
		c.Fail++
	case result.NotAssessed:
		c.NotAssessed++
	default:
		c.Error++
	}
}

// Assessed is how many results were assessed: pass, warn, waived or fail.
func (c Counts) Assessed() int { return c.Pass + c.Warn + c.Waived + c.Fail }

// Total is how many results there are.
func (c Counts) Total() int { return c.Assessed() + c.NotAssessed + c.Error }

// assessed reports whether a status was assessed, and whether it counts
// as passing in the score: pass and warn pass, waived passes (listed
// apart), fail does not; not_assessed and error (and any unknown status)
// are not assessed and stay out of the score.
func assessed(s result.Status) (ok, passing bool) {
	switch s {
	case result.Pass, result.Warn, result.Waived:
		return true, true
	case result.Fail:
		return true, false
	}
	return false, false
}

// Score is one host's score.
type Score struct {
	// Score is 100 × PassedWeight / AssessedWeight, one decimal; null
	// when nothing was assessed.
	Score *float64 `json:"score"`
	// RawScore is the score with waived failures counted as failures:
	// 100 × (PassedWeight − WaivedWeight) / AssessedWeight.
	RawScore *float64 `json:"raw_score"`
	// PassedWeight sums the severity weights of the passing results
	// (pass, warn, waived).
	PassedWeight int `json:"passed_weight"`
	// WaivedWeight sums the weights of the waived results (part of
	// PassedWeight).
	WaivedWeight int `json:"waived_weight"`
	// AssessedWeight sums the weights of the assessed results (pass,
	// warn, waived, fail).
	AssessedWeight int `json:"assessed_weight"`
	// Counts counts the results by status.
	Counts Counts `json:"counts"`
	// Coverage is 100 × assessed results / results, one decimal; null
	// without results.
	Coverage *float64 `json:"coverage"`
	// CriticalFailures counts failed (not waived) critical controls.
	CriticalFailures int `json:"critical_failures"`
}

// HostScore scores one host's results: weights are the severities'
// (critical 10, high 7, medium 4, low 1); pass, warn and waived count as
// passing, fail as failing, and not_assessed and error stay out of the
// score and lower the coverage instead.
func HostScore(results []result.Result) Score {
	var h Score
	for _, r := range results {
		h.Counts.add(r.Status)
		ok, passing := assessed(r.Status)
		if !ok {
			continue
		}
		w := r.Severity.Weight()
		h.AssessedWeight += w
		if passing {
			h.PassedWeight += w
		}
		if r.Status == result.Waived {
			h.WaivedWeight += w
		}
		if r.Status == result.Fail && r.Severity == result.Critical {
			h.CriticalFailures++
		}
	}
	h.Score = percent(int64(h.PassedWeight), int64(h.AssessedWeight))
	h.RawScore = percent(int64(h.PassedWeight-h.WaivedWeight), int64(h.AssessedWeight))
	h.Coverage = percent(int64(h.Counts.Assessed()), int64(h.Counts.Total()))
	return h
}
