package orgdata

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Baseline is the organisation's secure baseline. A nil list was not
// provided; an empty one allows nothing.
type Baseline struct {
	// AllowedPorts are the TCP/UDP ports services may listen on.
	AllowedPorts []int
	// ProtectedBranches are the branches production may be deployed
	// from.
	ProtectedBranches []string
}

// ParseBaseline parses baseline.yaml: "baseline:" and a mapping with
// allowed_ports and protected_branches.
func ParseBaseline(name string, data []byte) (*Baseline, error) {
	d := newDecoder(name)
	var out *Baseline
	if n := d.document(data, string(KindBaseline), "{}"); n != nil {
		out = d.baseline(n)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) baseline(n *yaml.Node) *Baseline {
	fields, ok := d.mapping(n, "", "allowed_ports", "protected_branches")
	if !ok {
		return nil
	}
	b := &Baseline{}
	if v, ok := fields["allowed_ports"]; ok {
		if items, ok := d.list(v, "allowed_ports"); ok {
			b.AllowedPorts = []int{}
			dups := newDuplicates()
			for i, item := range items {
				f := fmt.Sprintf("allowed_ports[%d]", i)
				p, ok := d.integer(item, f, 1, 65535)
				if !ok {
					continue
				}
				if first, dup := dups.see("port", fmt.Sprint(p), resolve(item).Line); dup {
					d.add(resolve(item).Line, f, "port %d given twice (first on line %d)", p, first)
					continue
				}
				b.AllowedPorts = append(b.AllowedPorts, p)
			}
		}
	}
	if v, ok := fields["protected_branches"]; ok {
		if items, ok := d.list(v, "protected_branches"); ok {
			b.ProtectedBranches = []string{}
			dups := newDuplicates()
			for i, item := range items {
				f := fmt.Sprintf("protected_branches[%d]", i)
				s, ok := d.word(item, f)
				if !ok {
					continue
				}
				if first, dup := dups.see("branch", s, resolve(item).Line); dup {
					d.add(resolve(item).Line, f, "branch %q given twice (first on line %d)", s, first)
					continue
				}
				b.ProtectedBranches = append(b.ProtectedBranches, s)
			}
		}
	}
	return b
}

// policyData is b as data.org.baseline: only the lists given.
func (b *Baseline) policyData() map[string]any {
	m := map[string]any{}
	if b.AllowedPorts != nil {
		ports := make([]any, len(b.AllowedPorts))
		for i, p := range b.AllowedPorts {
			ports[i] = p
		}
		m["allowed_ports"] = ports
	}
	if b.ProtectedBranches != nil {
		m["protected_branches"] = anyList(b.ProtectedBranches)
	}
	return m
}
