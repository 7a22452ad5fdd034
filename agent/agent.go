package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/auditfleet/auditfleet/agent/pluginhost"
	"github.com/auditfleet/auditfleet/facts"
)

// Collector runs collector plugins against a host root; *pluginhost.Host
// implements it.
type Collector interface {
	Collect(ctx context.Context, hostRoot string) ([]pluginhost.Outcome, error)
}

// Agent collects and evaluates facts for one host.
type Agent struct {
	Collector Collector
	// HostRoot is the directory audited as "/".
	HostRoot string
	// Version is the agent version recorded in documents.
	Version string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

func (a *Agent) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Collect runs every collector and assembles the facts document. Only a
// failure of the plugin directory as a whole is an error; a failing
// collector appears in the document's collector_errors.
func (a *Agent) Collect(ctx context.Context) (*facts.Document, error) {
	started := a.now().UTC()
	outs, err := a.Collector.Collect(ctx, a.HostRoot)
	if err != nil {
		return nil, fmt.Errorf("collect facts from %s: %w", a.HostRoot, err)
	}
	return Assemble(outs, facts.Agent{Version: a.Version, HostRoot: a.HostRoot}, started), nil
}

// Assemble builds a facts document from collector outcomes.
func Assemble(outs []pluginhost.Outcome, ag facts.Agent, collectedAt time.Time) *facts.Document {
	doc := &facts.Document{
		SchemaVersion:   facts.SchemaVersion,
		ReportID:        facts.NewReportID(),
		CollectedAt:     collectedAt,
		Agent:           ag,
		Facts:           map[string]json.RawMessage{},
		Collectors:      map[string]facts.Run{},
		CollectorErrors: []facts.CollectorError{},
	}
	for _, o := range outs {
		switch {
		case o.Err != nil:
			doc.CollectorErrors = append(doc.CollectorErrors, *o.Err)
		case o.Output != nil:
			doc.Facts[o.Output.Namespace] = o.Output.Facts
			doc.Collectors[o.Name] = o.Run
		case o.Run.NotApplicable != "":
			doc.Collectors[o.Name] = o.Run
		}
	}
	return doc
}
