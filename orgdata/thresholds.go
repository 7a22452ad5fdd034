package orgdata

import "gopkg.in/yaml.v3"

// Thresholds are the organisation's limits for the controls. A nil field
// was not provided: the policies then use their default (see Defaults).
type Thresholds struct {
	DormantDays              *int  // ICO-ACC-01: days without login before an account is dormant
	OSWarnDays               *int  // ICO-SEC-01: days before end of support to start warning
	PatchDays                *int  // ICO-SEC-02: days a security update may stay pending
	BackupMaxAgeDays         *int  // ICO-BKP-01: maximum age of the last successful backup
	RestoreTestMaxAgeDays    *int  // ICO-BKP-02: maximum age of the last passing restore test
	PlanReviewMonths         *int  // ICO-BCP-01: maximum months since a plan's review
	PlanTestMonths           *int  // ICO-BCP-01: maximum months since a plan's test
	RetentionGraceDays       *int  // ICO-RET-01: days past retention before data counts as over-kept
	SoftDeletePurgeDays      *int  // ICO-RET-01: days a soft-deleted item may remain
	FailureHours             *int  // ICO-MON-01: hours a job may keep failing
	MissedCycles             *int  // ICO-MON-02: audit cycles a host may miss
	LogRetentionDays         *int  // ICO-LOG-01: days of audit logs to keep
	MinCoveragePercent       *int  // ratings: smallest assessed share of the weight that is rated
	S62JustificationRequired *bool // ICO-LOG-02: whether s.62 logs must record a justification
}

// threshold describes one numeric threshold: its key in thresholds.yaml
// and data.org.thresholds, its range, and its field. A scoring threshold
// is read by the scorecard, not the policies, so it stays out of
// data.org.thresholds.
type threshold struct {
	key     string
	lo, hi  int
	def     int
	field   func(*Thresholds) **int
	scoring bool
}

// thresholdSpecs lists the numeric thresholds in the order of the
// documentation. The ranges refuse values that are surely mistakes (a
// restore test every ten years, a dormancy of zero days).
var thresholdSpecs = []threshold{
	{"dormant_days", 1, 3650, 45, func(t *Thresholds) **int { return &t.DormantDays }, false},
	{"os_warn_days", 1, 1825, 180, func(t *Thresholds) **int { return &t.OSWarnDays }, false},
	{"patch_days", 1, 365, 14, func(t *Thresholds) **int { return &t.PatchDays }, false},
	{"backup_max_age_days", 1, 366, 7, func(t *Thresholds) **int { return &t.BackupMaxAgeDays }, false},
	{"restore_test_max_age_days", 1, 1096, 90, func(t *Thresholds) **int { return &t.RestoreTestMaxAgeDays }, false},
	{"plan_review_months", 1, 60, 12, func(t *Thresholds) **int { return &t.PlanReviewMonths }, false},
	{"plan_test_months", 1, 60, 12, func(t *Thresholds) **int { return &t.PlanTestMonths }, false},
	{"retention_grace_days", 0, 3650, 30, func(t *Thresholds) **int { return &t.RetentionGraceDays }, false},
	{"soft_delete_purge_days", 0, 3650, 30, func(t *Thresholds) **int { return &t.SoftDeletePurgeDays }, false},
	{"failure_hours", 1, 720, 24, func(t *Thresholds) **int { return &t.FailureHours }, false},
	{"missed_cycles", 1, 100, 2, func(t *Thresholds) **int { return &t.MissedCycles }, false},
	{"log_retention_days", 1, 3650, 90, func(t *Thresholds) **int { return &t.LogRetentionDays }, false},
	{"min_coverage_percent", 0, 100, 50, func(t *Thresholds) **int { return &t.MinCoveragePercent }, true},
}

// s62Key is the one boolean threshold.
const s62Key = "s62_justification_required"

// Defaults returns every threshold at the default the policies (or, for
// min_coverage_percent, the scorecard) apply when it is absent.
func Defaults() Thresholds {
	var t Thresholds
	for _, s := range thresholdSpecs {
		v := s.def
		*s.field(&t) = &v
	}
	yes := true
	t.S62JustificationRequired = &yes
	return t
}

// WithDefaults returns t with every absent threshold set to its default.
func (t Thresholds) WithDefaults() Thresholds {
	d := Defaults()
	for _, s := range thresholdSpecs {
		if *s.field(&t) == nil {
			*s.field(&t) = *s.field(&d)
		}
	}
	if t.S62JustificationRequired == nil {
		t.S62JustificationRequired = d.S62JustificationRequired
	}
	return t
}

// ParseThresholds parses thresholds.yaml: a mapping "thresholds:" of
// threshold name to value.
func ParseThresholds(name string, data []byte) (*Thresholds, error) {
	d := newDecoder(name)
	t := d.thresholds(d.document(data, string(KindThresholds), "{}"))
	if err := d.err(); err != nil {
		return nil, err
	}
	return t, nil
}

func (d *decoder) thresholds(n *yaml.Node) *Thresholds {
	if n == nil {
		return nil
	}
	keys := make([]string, 0, len(thresholdSpecs)+1)
	for _, s := range thresholdSpecs {
		keys = append(keys, s.key)
	}
	keys = append(keys, s62Key)
	fields, ok := d.mapping(n, "", keys...)
	if !ok {
		return nil
	}
	t := &Thresholds{}
	for _, s := range thresholdSpecs {
		if v, ok := fields[s.key]; ok {
			if x, ok := d.integer(v, s.key, s.lo, s.hi); ok {
				*s.field(t) = &x
			}
		}
	}
	if v, ok := fields[s62Key]; ok {
		if b, ok := d.boolean(v, s62Key); ok {
			t.S62JustificationRequired = &b
		}
	}
	return t
}

// policyData is t as data.org.thresholds: only the thresholds given,
// scoring thresholds left out.
func (t *Thresholds) policyData() map[string]any {
	out := map[string]any{}
	for _, s := range thresholdSpecs {
		if v := *s.field(t); v != nil && !s.scoring {
			out[s.key] = *v
		}
	}
	if t.S62JustificationRequired != nil {
		out[s62Key] = *t.S62JustificationRequired
	}
	return out
}
