package facts

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"
)

// SchemaVersion is the version of the Document layout. Bump it on any
// incompatible change and keep the server able to read the previous one.
const SchemaVersion = 1

// Document is everything one agent run observed on one host.
type Document struct {
	SchemaVersion int       `json:"schema_version"`
	ReportID      string    `json:"report_id"`
	CollectedAt   time.Time `json:"collected_at"`
	Agent         Agent     `json:"agent"`
	// Facts maps a collector namespace (e.g. "os") to that collector's
	// facts object, whose layout is described by the collector's schema.
	Facts map[string]json.RawMessage `json:"facts"`
	// Collectors records how each collector that produced facts ran.
	Collectors map[string]Run `json:"collectors"`
	// CollectorErrors lists collectors that produced no facts, and why.
	CollectorErrors []CollectorError `json:"collector_errors"`
}

// Agent identifies the agent that collected the document.
type Agent struct {
	Version  string `json:"version"`
	HostRoot string `json:"host_root"`
}

// Run describes one successful collector run.
type Run struct {
	Collector     string   `json:"collector"`
	Version       string   `json:"version"`
	Namespace     string   `json:"namespace"`
	SchemaVersion int      `json:"schema_version"`
	DurationMS    int64    `json:"duration_ms"`
	Partial       bool     `json:"partial"`
	Warnings      []string `json:"warnings"`
	// NotApplicable, when set, says why the collector had nothing to read
	// on this host (it then has no facts, and that is not a failure).
	NotApplicable string `json:"not_applicable,omitempty"`
}

// ErrorKind classifies why a collector produced no facts.
type ErrorKind string

// Error kinds recorded in CollectorError.Kind.
const (
	ErrRefused       ErrorKind = "refused"        // manifest, checksum or permission check failed; never started
	ErrStart         ErrorKind = "start"          // the process did not complete the plugin handshake
	ErrTimeout       ErrorKind = "timeout"        // killed after its time limit
	ErrCrash         ErrorKind = "crash"          // the process died or the connection broke mid-call
	ErrInvalidOutput ErrorKind = "invalid_output" // returned something that is not a valid facts document
	ErrCollector     ErrorKind = "collector"      // the collector itself reported an error
	ErrBudget        ErrorKind = "budget"         // killed for using more CPU time or memory than its budget
)

// CollectorError records a collector that produced no facts.
type CollectorError struct {
	Collector string    `json:"collector"`
	Namespace string    `json:"namespace,omitempty"`
	Kind      ErrorKind `json:"kind"`
	Message   string    `json:"message"`
}

// NewReportID returns a random 128-bit report ID in hex.
func NewReportID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
