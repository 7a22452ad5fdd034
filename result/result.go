package result

// Status is the outcome of one control on one host.
type Status string

// Statuses. Unknown is never a pass: a control whose facts are missing
// reports NotAssessed, and one whose collector failed reports Error. A
// failure covered by a current waiver becomes Waived and keeps its
// evidence.
const (
	Pass        Status = "pass"
	Fail        Status = "fail"
	Warn        Status = "warn"
	NotAssessed Status = "not_assessed"
	Error       Status = "error"
	Waived      Status = "waived"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case Pass, Fail, Warn, NotAssessed, Error, Waived:
		return true
	}
	return false
}

// Severity ranks how much a failing control matters.
type Severity string

// Severities, with the weights and ICO priorities of the control catalogue.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Weight returns the scoring weight of a severity (critical 10, high 7,
// medium 4, low 1), or 0 for an unknown severity.
func (s Severity) Weight() int {
	switch s {
	case Critical:
		return 10
	case High:
		return 7
	case Medium:
		return 4
	case Low:
		return 1
	}
	return 0
}

// Priority returns the ICO recommendation priority a severity maps to.
func (s Severity) Priority() string {
	switch s {
	case Critical:
		return "Urgent"
	case High:
		return "High"
	case Medium:
		return "Medium"
	case Low:
		return "Low"
	}
	return ""
}

// Valid reports whether s is one of the known severities.
func (s Severity) Valid() bool { return s.Weight() > 0 }

// Evidence is one observation behind a result.
type Evidence struct {
	// Subject is what the observation is about, e.g. a user name or "os".
	Subject string `json:"subject"`
	// Detail says what was observed, in words an auditor can read.
	Detail string `json:"detail"`
	// Fact names the fact it came from, e.g. "accounts.users[alice].last_login".
	Fact string `json:"fact,omitempty"`
}

// Mappings links a control to other frameworks.
type Mappings struct {
	CyberEssentials []string `json:"cyber_essentials,omitempty"`
	CISv8           []string `json:"cis_v8,omitempty"`
	ISO27001        []string `json:"iso27001,omitempty"`
}

// Control is a control's metadata, read from its policy's METADATA block.
type Control struct {
	ID          string   `json:"control_id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Area        string   `json:"area"`
	Severity    Severity `json:"severity"`
	Mappings    Mappings `json:"mappings"`
	Remediation string   `json:"remediation,omitempty"`
	// Package is the Rego package that implements the control.
	Package string `json:"package"`
	// Requires is what the control cannot be assessed without: when a
	// required facts namespace is missing (or its collector failed), or a
	// required kind of organisation data is missing, the engine answers
	// not_assessed (or error) without evaluating the control.
	Requires Inputs `json:"requires"`
	// Reads is what else the control reads when it is there.
	Reads Inputs `json:"reads"`
	// Depends are the IDs of the controls whose final results this one
	// combines: the engine evaluates them first and gives their results
	// to this control as input.results[id].
	Depends []string `json:"depends,omitempty"`
}

// Inputs names facts namespaces and organisation data kinds.
type Inputs struct {
	// Facts are facts namespaces, e.g. "accounts".
	Facts []string `json:"facts,omitempty"`
	// Org are organisation data kinds, e.g. "leavers".
	Org []string `json:"org,omitempty"`
}

// Result is the outcome of one control on one host.
type Result struct {
	ControlID   string     `json:"control_id"`
	Title       string     `json:"title"`
	Area        string     `json:"area"`
	Severity    Severity   `json:"severity"`
	Priority    string     `json:"priority"`
	Status      Status     `json:"status"`
	Evidence    []Evidence `json:"evidence"`
	Remediation string     `json:"remediation,omitempty"`
	Mappings    Mappings   `json:"mappings"`
	// Sources names the data revisions the result depends on, e.g.
	// {"lifecycle": "endoflife-date/endoflife.date@a70eca3"}.
	Sources map[string]string `json:"sources,omitempty"`
	// PolicyRevision identifies the exact policy set that produced it.
	PolicyRevision string `json:"policy_revision"`
	// Waiver is set when Status is Waived: the waiver that covers the
	// failure.
	Waiver *WaiverRef `json:"waiver,omitempty"`
}

// WaiverRef identifies the waiver that turned a failure into Waived.
type WaiverRef struct {
	ID       string `json:"id"`
	Reason   string `json:"reason"`
	Approver string `json:"approver"`
	Expires  string `json:"expires"` // YYYY-MM-DD
}
