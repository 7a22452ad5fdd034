package orgdata

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/auditfleet/auditfleet/waiver"
)

// ParseWaivers parses waivers.yaml: "waivers:" and a list of {id, control,
// hosts, tags, subject, reason, approver, created, expires}. Every
// control must be one of knownControls (e.g. the IDs of the policy
// engine's Controls); with knownControls nil, control IDs are not
// checked.
func ParseWaivers(name string, data []byte, knownControls []string) ([]waiver.Waiver, error) {
	d := newDecoder(name)
	var out []waiver.Waiver
	if n := d.document(data, string(KindWaivers), "[]"); n != nil {
		out = d.waivers(n, knownControls)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) waivers(n *yaml.Node, known []string) []waiver.Waiver {
	items, ok := d.list(n, string(KindWaivers))
	if !ok {
		return nil
	}
	dups := newDuplicates()
	out := make([]waiver.Waiver, 0, len(items))
	for _, item := range items {
		fields, ok := d.mapping(item, "", "id", "control", "hosts", "tags", "subject", "reason", "approver", "created", "expires")
		if !ok {
			continue
		}
		line := item.Line
		var w waiver.Waiver
		for _, req := range []string{"id", "control", "reason", "approver", "created", "expires"} {
			if _, ok := fields[req]; !ok {
				d.add(line, req, "missing")
			}
		}
		if v, ok := fields["id"]; ok {
			if w.ID, ok = d.identifier(v, "id"); ok {
				if first, dup := dups.see("id", w.ID, v.Line); dup {
					d.add(v.Line, "id", "duplicate waiver %q (first on line %d)", w.ID, first)
				}
			}
		}
		if v, ok := fields["control"]; ok {
			if c, ok := d.word(v, "control"); ok {
				if known != nil && !slices.Contains(known, c) {
					d.add(resolve(v).Line, "control", "unknown control %q (known: %s)", c, strings.Join(known, ", "))
				} else {
					w.Control = c
				}
			}
		}
		selOK := true
		if v, ok := fields["hosts"]; ok {
			w.Hosts, selOK = d.globs(v, "hosts")
		}
		if v, ok := fields["tags"]; ok {
			var tagsOK bool
			w.Tags, tagsOK = d.tags(v, "tags")
			selOK = selOK && tagsOK
		}
		if selOK && len(w.Hosts) == 0 && len(w.Tags) == 0 {
			d.add(line, "hosts", "missing: a waiver must select hosts by name pattern (hosts: [\"*\"] for all), tags, or both")
		}
		if v, ok := fields["subject"]; ok {
			w.Subject, _ = d.text(v, "subject")
		}
		if v, ok := fields["reason"]; ok {
			w.Reason, _ = d.scalar(v, "reason")
		}
		if v, ok := fields["approver"]; ok {
			w.Approver, _ = d.text(v, "approver")
		}
		var createdOK, expiresOK bool
		if v, ok := fields["created"]; ok {
			w.Created, createdOK = d.date(v, "created")
		}
		if v, ok := fields["expires"]; ok {
			w.Expires, expiresOK = d.date(v, "expires")
			if createdOK && expiresOK {
				days := int(w.Expires.Sub(w.Created).Hours()) / 24
				switch {
				case days < 0:
					d.add(resolve(v).Line, "expires", "%s is before created (%s)", w.Expires.Format(DateLayout), w.Created.Format(DateLayout))
				case days > waiver.MaxDays:
					d.add(resolve(v).Line, "expires", "%s is %d days after created (%s): a waiver may run at most %d days; renew it when it is reviewed", w.Expires.Format(DateLayout), days, w.Created.Format(DateLayout), waiver.MaxDays)
				}
			}
		}
		out = append(out, w)
	}
	return out
}
