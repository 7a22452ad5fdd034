package change

import "time"

// Namespace is where the change facts appear in the facts document.
const Namespace = "change"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "change" namespace: the environment the host declares, the
// deployment currently running for each application, and test-data
// canaries found in production data. Every timestamp is UTC.
type Facts struct {
	// Environment is the environment the host declares, e.g.
	// "production", "staging", "test"; empty when it declares none. The
	// organisation's host tags (env) take precedence.
	Environment string `json:"environment"`
	// Deployments are the current deployment record of each application
	// on the host; empty when there are none, and null when they cannot
	// be known (the deployments file exists but could not be read, or
	// none of its records could be understood).
	Deployments []Deployment `json:"deployments"`
	// UnreadRecords are the lines of the deployments file that could not
	// be understood (garbled, cut short, missing a required field), each
	// as "<file>:<line>: <reason>" (the first ten, then one line saying
	// how many more): an
	// application's current deployment may be among them, so the
	// deployments read are not known to be current. Omitted when every
	// record was understood, and when none was (deployments is then null).
	UnreadRecords []string `json:"unread_records,omitempty"`
	// CanaryPaths are the declared production data paths searched for
	// test-data canaries; empty when none are declared.
	CanaryPaths []string `json:"canary_paths"`
	// UnsearchedPaths are the declared production data paths that could
	// not be searched completely (missing, unreadable, or only partly
	// searched); absent when every declared path was searched.
	UnsearchedPaths []string `json:"unsearched_paths,omitempty"`
	// Canaries are the test-data canaries found in them.
	Canaries []Canary `json:"canaries"`
}

// Deployment is the record of an application's current deployment.
type Deployment struct {
	// Application is the application's name, e.g. "complaints-portal".
	Application string `json:"application"`
	// DeployedAt is when it was deployed.
	DeployedAt time.Time `json:"deployed_at"`
	// Commit is the source commit deployed.
	Commit string `json:"commit"`
	// Branch is the branch the commit was built from.
	Branch string `json:"branch"`
	// ReviewedBy are the people who approved the change (review or merge
	// approval); empty when nobody did.
	ReviewedBy []string `json:"reviewed_by"`
	// Record is the file the deployment record was read from.
	Record string `json:"record"`
}

// Canary is one test-data canary found in production data.
type Canary struct {
	// Path is the file it was found in.
	Path string `json:"path"`
	// Marker is the canary value matched, e.g. "TESTDATA-CANARY-0042".
	Marker string `json:"marker"`
}
