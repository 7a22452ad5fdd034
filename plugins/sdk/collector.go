package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
)

// Info describes a collector.
type Info struct {
	// Name is the collector's name, as in its manifest.
	Name string
	// Version is the collector's own version.
	Version string
	// Namespace is the key its facts are stored under in the facts document.
	Namespace string
	// SchemaVersion is the version of the facts layout of Namespace.
	SchemaVersion int
}

// Request is one collection request.
type Request struct {
	// Root is the host root. Every host file must be read through it.
	Root *hostroot.Root
	// Options is the collector's options object from the agent
	// configuration; never nil, "{}" when none are set.
	Options json.RawMessage
	// Now is the collection time, from which ages and look-back windows
	// are computed: the agent's clock, or the time a scan is evaluated at.
	// Served plugins always get it set; a collector called directly (in
	// tests) may see zero and use its own clock.
	Now time.Time
}

// Time returns the collection time: Now when set, else clock() (nil:
// time.Now), in UTC.
func (r Request) Time(clock func() time.Time) time.Time {
	switch {
	case !r.Now.IsZero():
		return r.Now.UTC()
	case clock != nil:
		return clock().UTC()
	default:
		return time.Now().UTC()
	}
}

// Response is what a collector observed.
type Response struct {
	// Facts is marshalled to JSON and must marshal to a JSON object.
	Facts any
	// Warnings name parts that could not be read. A response with warnings
	// is partial: the facts it has are still true.
	Warnings []string
}

// Collector is implemented by every collector plugin.
//
// Contract:
//   - Info is cheap and does not read the host.
//   - Collect reads only through req.Root, honours ctx, and returns an
//     error only when it has no facts at all. Missing files are not
//     errors: "the tool is absent" is a fact.
//   - Collect must be safe to call more than once.
//   - Collect returns an error wrapping ErrNotApplicable when the host has
//     nothing for it to read (not a failure).
type Collector interface {
	Info() Info
	Collect(ctx context.Context, req Request) (Response, error)
}

// ErrNotApplicable is returned (wrapped) by Collect when the collector has
// nothing to say about this host — e.g. a package-manager collector on a
// host without that package manager. The agent then records the
// collector as not applicable, with the reason, instead of as failed; the
// controls that need its facts report not_assessed.
var ErrNotApplicable = errors.New("not applicable to this host")
