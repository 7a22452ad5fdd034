package assess

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/waiver"
)

// Policies is one snapshot of what hosts are assessed against: the
// compiled controls, built over the organisation data they read, and
// that same organisation data for waivers and host tags. Taking both
// from one snapshot means the policies and the waivers of an assessment
// can never come from different uploads.
type Policies struct {
	// Engine evaluates the controls; it was built with Org.PolicyData().
	Engine *opa.Engine
	// Org is the organisation data in force; nil when there is none.
	Org *orgdata.Set
	// OrgKey identifies the organisation data versions in force; when
	// set, every result's policy revision names it ("+org:<key>").
	OrgKey string
}

// Revision is the revision every result of an assessment records: the
// policies' and, when there is organisation data, its versions'.
func (p *Policies) Revision() string {
	if p.OrgKey == "" {
		return p.Engine.Revision()
	}
	return p.Engine.Revision() + "+org:" + p.OrgKey
}

// Thresholds returns the rating thresholds of an assessment: base (the
// zero value means scorecard.DefaultThresholds) with the organisation's
// min_coverage_percent when its thresholds set one.
func (p *Policies) Thresholds(base scorecard.Thresholds) scorecard.Thresholds {
	if base == (scorecard.Thresholds{}) {
		base = scorecard.DefaultThresholds()
	}
	if p != nil && p.Org != nil && p.Org.Thresholds != nil && p.Org.Thresholds.MinCoveragePercent != nil {
		base.MinCoverage = float64(*p.Org.Thresholds.MinCoveragePercent)
	}
	return base
}

// Host is what the assessor knows of a host beyond its report.
type Host struct {
	// ID is the host's enrolled ID; empty offline.
	ID string
	// Name is the host's enrolled name; empty means the os facts'
	// hostname.
	Name string
	// Tags are the tags the host enrolled with; nil offline. No tags
	// at all says nothing (the host is not known to be untagged), so an
	// empty map counts as nil.
	Tags map[string]string
	// MissedCycles is how many audit cycles in a row the host has missed,
	// as the server counts them; nil offline, where it cannot be known.
	MissedCycles *int
}

// Assess evaluates report r of host h against p at time now and returns
// the host's scorecard: every control's result, waivers applied.
func Assess(ctx context.Context, r *Report, h Host, p *Policies, now time.Time) (*scorecard.Host, error) {
	if r == nil || r.input == nil {
		return nil, errors.New("assess: no report")
	}
	name := h.Name
	if name == "" {
		name = r.OSFact("hostname")
	}
	results, err := p.Engine.Evaluate(ctx, r.inputFor(h, name), now)
	if err != nil {
		return nil, fmt.Errorf("evaluate report %s: %w", r.Doc.ReportID, err)
	}
	rev := p.Revision()
	for i := range results {
		results[i].PolicyRevision = rev
	}
	if p.Org != nil && len(p.Org.Waivers) > 0 {
		tags := p.Org.HostTags.Tags(name, h.Tags)
		results, _ = waiver.Apply(results, waiver.Host{Name: name, Tags: tags}, p.Org.Waivers, now)
	}
	return scorecard.ForHost(name, r.OSFact("pretty_name"), &r.Doc, results, now, rev, p.Thresholds(scorecard.Thresholds{})), nil
}

// inputFor is the report's input with the host's identity (input.host)
// and, when known, the server's records of it (input.server). The
// report's own input is shared, not changed.
func (r *Report) inputFor(h Host, name string) ast.Object {
	in := ast.NewObject()
	r.input.Foreach(func(k, v *ast.Term) { in.Insert(k, v) })
	host := ast.NewObject()
	if h.ID != "" {
		host.Insert(ast.StringTerm("id"), ast.StringTerm(h.ID))
	}
	if name != "" {
		host.Insert(ast.StringTerm("name"), ast.StringTerm(name))
	}
	if len(h.Tags) > 0 {
		tags := ast.NewObject()
		for _, k := range sortedKeys(h.Tags) {
			tags.Insert(ast.StringTerm(k), ast.StringTerm(h.Tags[k]))
		}
		host.Insert(ast.StringTerm("tags"), ast.NewTerm(tags))
	}
	in.Insert(ast.StringTerm("host"), ast.NewTerm(host))
	if h.MissedCycles != nil {
		in.Insert(ast.StringTerm("server"), ast.ObjectTerm(
			ast.Item(ast.StringTerm("missed_cycles"), ast.IntNumberTerm(*h.MissedCycles)),
		))
	}
	return in
}
