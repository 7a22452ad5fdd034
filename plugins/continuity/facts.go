package continuity

// Namespace is where the continuity facts appear in the facts document.
const Namespace = "continuity"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "continuity" namespace: what the host declares about its
// place in business continuity. The organisation's own records (host tags
// and the plan register in data.org) take precedence over it.
type Facts struct {
	// Tags are the host's own tags, e.g. {"role": "continuity-system",
	// "service": "case-management", "env": "production"}.
	Tags map[string]string `json:"tags"`
	// ContinuitySystem is true when the host declares itself a system the
	// organisation's continuity plans depend on.
	ContinuitySystem bool `json:"continuity_system"`
	// PlanRefs are the IDs of continuity plans the host declares it is
	// covered by, e.g. "BCP-IT-01".
	PlanRefs []string `json:"plan_refs"`
	// Source is the file the declaration was read from; empty when the
	// host has none.
	Source string `json:"source"`
	// Unread is "<path>: <reason>" when the tags file is there but could
	// not be read in full (unreadable, not a regular file, a link to
	// nothing, binary data, cut short, lines that do not parse): what the
	// host declares is then unknown, not "nothing". Omitted when the file
	// was read in full or is absent.
	Unread string `json:"unread,omitempty"`
}
