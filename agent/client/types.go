package client

import (
	"encoding/json"
	"time"
)

// EnrollRequest describes the host asking to enroll.
type EnrollRequest struct {
	Hostname     string `json:"hostname"`
	MachineID    string `json:"machine_id"`
	OS           string `json:"os"`
	AgentVersion string `json:"agent_version"`
}

// Credentials are what enrollment gives a host: its ID and bearer token
// for the server at ServerURL.
type Credentials struct {
	ServerURL string `json:"server_url"`
	HostID    string `json:"host_id"`
	Token     string `json:"token"`
}

// String describes the credentials without the token, so they can be
// printed or logged.
func (c Credentials) String() string {
	return "host " + c.HostID + " at " + c.ServerURL
}

// Checkin is the server's answer to a check-in: the current audit cycle.
type Checkin struct {
	HostID  string `json:"host_id"`
	CycleID string `json:"cycle_id"`
	// Deadline is when the current cycle closes.
	Deadline time.Time `json:"deadline"`
	// JitterSeconds is the window over which the fleet spreads its reports.
	JitterSeconds  int    `json:"jitter_seconds"`
	PolicyRevision string `json:"policy_revision"`
	// MaxReportBytes is the largest report the server accepts (0: unknown).
	MaxReportBytes int64 `json:"max_report_bytes"`
}

// Jitter returns the jitter window as a duration.
func (c Checkin) Jitter() time.Duration { return time.Duration(c.JitterSeconds) * time.Second }

// Receipt is the server's acknowledgement of a report. Duplicate means the
// server already held a report with this ID and stored nothing new: the
// report counts as delivered either way.
type Receipt struct {
	ReportID  string          `json:"report_id"`
	CycleID   string          `json:"cycle_id,omitempty"`
	Duplicate bool            `json:"duplicate,omitempty"`
	Summary   json.RawMessage `json:"summary,omitempty"`
}
