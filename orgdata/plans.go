package orgdata

import (
	"maps"
	"path"
	"time"

	"gopkg.in/yaml.v3"
)

// Plan is one entry of the business continuity plan register.
type Plan struct {
	// ID identifies the plan, e.g. "BCP-IT-01"; unique in the register.
	ID string
	// Name is the plan's title.
	Name string
	// Owner is who is accountable for the plan.
	Owner string
	// Covers selects the hosts (systems) the plan covers.
	Covers Coverage
	// LastReview is the date of the last review; zero when never.
	LastReview time.Time
	// LastTest is the date of the last test or exercise; zero when never.
	LastTest time.Time
	// RecordRecovery says whether the plan has a section on recovering
	// records; nil when not stated.
	RecordRecovery *bool
}

// Coverage selects hosts: a host is covered when its name matches any of
// Hosts, or when it has every tag in Tags (when Tags is not empty).
type Coverage struct {
	Hosts []string
	Tags  map[string]string
}

// Covers reports whether a host with this name and these effective tags
// is covered.
func (c Coverage) Covers(host string, tags map[string]string) bool {
	for _, p := range c.Hosts {
		if ok, err := path.Match(p, host); err == nil && ok {
			return true
		}
	}
	if len(c.Tags) == 0 {
		return false
	}
	for k, v := range c.Tags {
		if got, ok := tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// ParsePlans parses plans.yaml: "plans:" and a list of {id, name, owner,
// covers: {hosts, tags}, last_review, last_test, record_recovery}.
func ParsePlans(name string, data []byte) ([]Plan, error) {
	d := newDecoder(name)
	var out []Plan
	if n := d.document(data, string(KindPlans), "[]"); n != nil {
		out = d.plans(n)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) plans(n *yaml.Node) []Plan {
	items, ok := d.list(n, string(KindPlans))
	if !ok {
		return nil
	}
	dups := newDuplicates()
	out := make([]Plan, 0, len(items))
	for _, item := range items {
		fields, ok := d.mapping(item, "", "id", "name", "owner", "covers", "last_review", "last_test", "record_recovery")
		if !ok {
			continue
		}
		line := item.Line
		var p Plan
		for _, req := range []string{"id", "name", "owner", "covers"} {
			if _, ok := fields[req]; !ok {
				d.add(line, req, "missing")
			}
		}
		if v, ok := fields["id"]; ok {
			if p.ID, ok = d.identifier(v, "id"); ok {
				if first, dup := dups.see("id", p.ID, v.Line); dup {
					d.add(v.Line, "id", "duplicate plan %q (first on line %d)", p.ID, first)
				}
			}
		}
		if v, ok := fields["name"]; ok {
			p.Name, _ = d.text(v, "name")
		}
		if v, ok := fields["owner"]; ok {
			p.Owner, _ = d.text(v, "owner")
		}
		if v, ok := fields["covers"]; ok {
			p.Covers, _ = d.coverage(v, "covers")
		}
		if v, ok := fields["last_review"]; ok {
			p.LastReview, _ = d.date(v, "last_review")
		}
		if v, ok := fields["last_test"]; ok {
			p.LastTest, _ = d.date(v, "last_test")
		}
		if v, ok := fields["record_recovery"]; ok {
			if b, ok := d.boolean(v, "record_recovery"); ok {
				p.RecordRecovery = &b
			}
		}
		out = append(out, p)
	}
	return out
}

// coverage reads {hosts: [patterns], tags: {k: v}}, at least one of them
// not empty.
func (d *decoder) coverage(n *yaml.Node, field string) (Coverage, bool) {
	fields, ok := d.mapping(n, field, "hosts", "tags")
	if !ok {
		return Coverage{}, false
	}
	var c Coverage
	ok = true
	if v, has := fields["hosts"]; has {
		c.Hosts, ok = d.globs(v, join(field, "hosts"))
	}
	if v, has := fields["tags"]; has {
		var tagsOK bool
		c.Tags, tagsOK = d.tags(v, join(field, "tags"))
		ok = ok && tagsOK
	}
	if ok && len(c.Hosts) == 0 && len(c.Tags) == 0 {
		d.add(resolve(n).Line, field, "selects no host: give hosts (name patterns), tags, or both")
		ok = false
	}
	return c, ok
}

// policyData is c as data.org: {"hosts": [...], "tags": {...}}, each
// only when given.
func (c Coverage) policyData() map[string]any {
	m := map[string]any{}
	if len(c.Hosts) > 0 {
		m["hosts"] = anyList(c.Hosts)
	}
	if len(c.Tags) > 0 {
		m["tags"] = tagData(c.Tags)
	}
	return m
}

// tagData converts tags into the map[string]any data.org holds.
func tagData(tags map[string]string) map[string]any {
	out := make(map[string]any, len(tags))
	for k, v := range maps.All(tags) {
		out[k] = v
	}
	return out
}

// policyData is p as an item of data.org.plans.
func (p Plan) policyData() map[string]any {
	m := map[string]any{"id": p.ID, "name": p.Name, "owner": p.Owner, "covers": p.Covers.policyData()}
	if !p.LastReview.IsZero() {
		m["last_review"] = p.LastReview.Format(DateLayout)
	}
	if !p.LastTest.IsZero() {
		m["last_test"] = p.LastTest.Format(DateLayout)
	}
	if p.RecordRecovery != nil {
		m["record_recovery"] = *p.RecordRecovery
	}
	return m
}
