package orgdata

import "gopkg.in/yaml.v3"

// Entitlement is a paid extended-support subscription the organisation
// holds for some of its hosts, such as Ubuntu Pro ESM or RHEL ELS.
type Entitlement struct {
	// Name is the entitlement as the lifecycle data names it, e.g.
	// "ubuntu-pro", "rhel-els", "windows-esu".
	Name string
	// Hosts are glob patterns over host names the subscription covers;
	// nil means every host.
	Hosts []string
	// Reference identifies the contract or order, for the auditor.
	Reference string
}

// ParseEntitlements parses entitlements.yaml: "entitlements:" and a list
// of {entitlement, hosts, reference}.
func ParseEntitlements(name string, data []byte) ([]Entitlement, error) {
	d := newDecoder(name)
	var out []Entitlement
	if n := d.document(data, string(KindEntitlements), "[]"); n != nil {
		out = d.entitlements(n)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) entitlements(n *yaml.Node) []Entitlement {
	items, ok := d.list(n, string(KindEntitlements))
	if !ok {
		return nil
	}
	out := make([]Entitlement, 0, len(items))
	for _, item := range items {
		fields, ok := d.mapping(item, "", "entitlement", "hosts", "reference")
		if !ok {
			continue
		}
		var e Entitlement
		if v, ok := fields["entitlement"]; !ok {
			d.add(item.Line, "entitlement", "missing")
		} else {
			e.Name, _ = d.word(v, "entitlement")
		}
		if v, ok := fields["hosts"]; ok {
			e.Hosts, _ = d.globs(v, "hosts")
		}
		if v, ok := fields["reference"]; ok {
			e.Reference, _ = d.text(v, "reference")
		}
		out = append(out, e)
	}
	return out
}

// policyData is e as an item of data.org.entitlements.
func (e Entitlement) policyData() map[string]any {
	m := map[string]any{"entitlement": e.Name}
	if e.Hosts != nil {
		m["hosts"] = anyList(e.Hosts)
	}
	if e.Reference != "" {
		m["reference"] = e.Reference
	}
	return m
}
