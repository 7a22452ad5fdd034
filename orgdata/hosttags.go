package orgdata

import (
	"maps"

	"gopkg.in/yaml.v3"
)

// HostTags maps a host name to its tags, e.g. {"db-1": {"role":
// "continuity-system", "env": "production"}}.
type HostTags map[string]map[string]string

// ParseHostTags parses host_tags.yaml: "host_tags:" and a mapping of host
// name to a mapping of tag to value.
func ParseHostTags(name string, data []byte) (HostTags, error) {
	d := newDecoder(name)
	var out HostTags
	if n := d.document(data, string(KindHostTags), "{}"); n != nil {
		out = d.hostTags(n)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) hostTags(n *yaml.Node) HostTags {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, string(KindHostTags), "want a mapping of host name to tags, got %s", kindName(n))
		return nil
	}
	out := HostTags{}
	dups := newDuplicates()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		host, ok := d.scalar(k, "host")
		if !ok || !d.pattern(k.Line, "host", host, hostName, "a host name (letters, digits, '.', '_', '-')") {
			continue
		}
		if first, dup := dups.see("host", host, k.Line); dup {
			d.add(k.Line, host, "host given twice (first on line %d)", first)
			continue
		}
		if tags, ok := d.tags(v, host); ok {
			out[host] = tags
		}
	}
	return out
}

// Tags returns the effective tags of a host: its organisation tags merged
// with the tags it reports itself, which win.
func (h HostTags) Tags(host string, reported map[string]string) map[string]string {
	out := maps.Clone(h[host])
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, reported)
	return out
}

// policyData is h as data.org.host_tags.
func (h HostTags) policyData() map[string]any {
	out := make(map[string]any, len(h))
	for host, tags := range h {
		out[host] = tagData(tags)
	}
	return out
}
