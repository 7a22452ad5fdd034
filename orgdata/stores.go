package orgdata

import (
	"path"

	"gopkg.in/yaml.v3"
)

// DataStore is a declared store of records, with its retention schedule.
type DataStore struct {
	// ID identifies the store, e.g. "complaints"; unique.
	ID string
	// Hosts are glob patterns over the names of the hosts holding it.
	Hosts []string
	// Path is the absolute path of the store on those hosts.
	Path string
	// PersonalData says whether it holds personal data; true unless the
	// file says false.
	PersonalData bool
	// RetentionDays is how long items are kept.
	RetentionDays int
	// GraceDays is how long past retention before an item is over-kept;
	// nil means the retention_grace_days threshold.
	GraceDays *int
	// SoftDeleteMarker names how soft-deleted items are marked (e.g. a
	// ".deleted" suffix); empty when the store does not soft-delete.
	SoftDeleteMarker string
	// PurgeDays is how long a soft-deleted item may remain; nil means the
	// soft_delete_purge_days threshold.
	PurgeDays *int
}

// ParseDataStores parses data_stores.yaml: "data_stores:" and a list of
// {id, hosts, path, personal_data, retention_days, grace_days,
// soft_delete_marker, purge_days}.
func ParseDataStores(name string, data []byte) ([]DataStore, error) {
	d := newDecoder(name)
	var out []DataStore
	if n := d.document(data, string(KindDataStores), "[]"); n != nil {
		out = d.stores(n)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) stores(n *yaml.Node) []DataStore {
	items, ok := d.list(n, string(KindDataStores))
	if !ok {
		return nil
	}
	dups := newDuplicates()
	out := make([]DataStore, 0, len(items))
	for _, item := range items {
		fields, ok := d.mapping(item, "", "id", "hosts", "path", "personal_data", "retention_days", "grace_days", "soft_delete_marker", "purge_days")
		if !ok {
			continue
		}
		line := item.Line
		s := DataStore{PersonalData: true}
		for _, req := range []string{"id", "hosts", "path", "retention_days"} {
			if _, ok := fields[req]; !ok {
				d.add(line, req, "missing")
			}
		}
		if v, ok := fields["id"]; ok {
			if s.ID, ok = d.identifier(v, "id"); ok {
				if first, dup := dups.see("id", s.ID, v.Line); dup {
					d.add(v.Line, "id", "duplicate data store %q (first on line %d)", s.ID, first)
				}
			}
		}
		if v, ok := fields["hosts"]; ok {
			s.Hosts, _ = d.globs(v, "hosts")
		}
		if v, ok := fields["path"]; ok {
			if p, ok := d.text(v, "path"); ok {
				if !path.IsAbs(p) || path.Clean(p) != p {
					d.add(resolve(v).Line, "path", "%q is not a clean absolute path (want e.g. /srv/complaints)", p)
				} else {
					s.Path = p
				}
			}
		}
		if v, ok := fields["personal_data"]; ok {
			s.PersonalData, _ = d.boolean(v, "personal_data")
		}
		if v, ok := fields["retention_days"]; ok {
			s.RetentionDays, _ = d.integer(v, "retention_days", 1, 36525)
		}
		if v, ok := fields["grace_days"]; ok {
			if x, ok := d.integer(v, "grace_days", 0, 3650); ok {
				s.GraceDays = &x
			}
		}
		if v, ok := fields["soft_delete_marker"]; ok {
			s.SoftDeleteMarker, _ = d.text(v, "soft_delete_marker")
		}
		if v, ok := fields["purge_days"]; ok {
			if x, ok := d.integer(v, "purge_days", 0, 3650); ok {
				s.PurgeDays = &x
			}
		}
		out = append(out, s)
	}
	return out
}

// policyData is s as an item of data.org.data_stores.
func (s DataStore) policyData() map[string]any {
	m := map[string]any{
		"id": s.ID, "hosts": anyList(s.Hosts), "path": s.Path,
		"personal_data": s.PersonalData, "retention_days": s.RetentionDays,
	}
	if s.GraceDays != nil {
		m["grace_days"] = *s.GraceDays
	}
	if s.SoftDeleteMarker != "" {
		m["soft_delete_marker"] = s.SoftDeleteMarker
	}
	if s.PurgeDays != nil {
		m["purge_days"] = *s.PurgeDays
	}
	return m
}
