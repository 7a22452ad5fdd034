package orgdata

import (
	"slices"

	"gopkg.in/yaml.v3"
)

// Admin is an account approved to hold admin rights.
type Admin struct {
	// User is the account name.
	User string
	// Hosts are glob patterns over host names where the approval holds;
	// nil means every host.
	Hosts []string
}

// ParseApprovedAdmins parses approved_admins.yaml: "approved_admins:" and
// a list of {user, hosts}.
func ParseApprovedAdmins(name string, data []byte) ([]Admin, error) {
	d := newDecoder(name)
	var out []Admin
	if n := d.document(data, string(KindApprovedAdmins), "[]"); n != nil {
		out = d.admins(n)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) admins(n *yaml.Node) []Admin {
	items, ok := d.list(n, string(KindApprovedAdmins))
	if !ok {
		return nil
	}
	dups := newDuplicates()
	out := make([]Admin, 0, len(items))
	for _, item := range items {
		fields, ok := d.mapping(item, "", "user", "hosts")
		if !ok {
			continue
		}
		line := item.Line
		var a Admin
		if v, ok := fields["user"]; !ok {
			d.add(line, "user", "missing")
		} else if a.User, ok = d.word(v, "user"); ok {
			if first, dup := dups.see("user", a.User, v.Line); dup {
				d.add(v.Line, "user", "admin %q listed twice (first on line %d): list all their hosts in one entry", a.User, first)
			}
		}
		if v, ok := fields["hosts"]; ok {
			a.Hosts, _ = d.globs(v, "hosts")
		}
		out = append(out, a)
	}
	return out
}

// policyData is a as an item of data.org.approved_admins.
func (a Admin) policyData() map[string]any {
	m := map[string]any{"user": a.User}
	if a.Hosts != nil {
		m["hosts"] = anyList(a.Hosts)
	}
	return m
}

// anyList converts a string list into the []any data.org holds.
func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range slices.Clone(ss) {
		out[i] = s
	}
	return out
}
