package auditfleet.lib_test

import data.auditfleet.lib

test_thresholds_default if {
	t := lib.thresholds with data.org as {}
	t.dormant_days == 45
	t.os_warn_days == 180
	t.patch_days == 14
	t.missed_cycles == 2
	t.s62_justification_required == true
	t == lib.threshold_defaults with data.org as {}
	lib.thresholds == lib.threshold_defaults with data.org as {"thresholds": null}
}

test_thresholds_override if {
	org := {"thresholds": {"dormant_days": 90, "s62_justification_required": false}}
	t := lib.thresholds with data.org as org
	t.dormant_days == 90
	t.s62_justification_required == false
	t.patch_days == 14
}

test_thresholds_wrong_type_ignored if {
	org := {"thresholds": {"dormant_days": "90", "patch_days": null, "missed_cycles": 3, "unknown_key": 1}}
	t := lib.thresholds with data.org as org
	t.dormant_days == 45
	t.patch_days == 14
	t.missed_cycles == 3
	not t.unknown_key
}

test_host_name if {
	lib.host_name == "web-1" with input as {"host": {"name": "web-1"}, "facts": {"os": {"hostname": "localhost"}}}
	lib.host_name == "localhost" with input as {"host": {"name": ""}, "facts": {"os": {"hostname": "localhost"}}}
	lib.host_name == "localhost" with input as {"facts": {"os": {"hostname": "localhost"}}}
	not lib.host_name with input as {"facts": {"os": {"hostname": ""}}}
	not lib.host_name with input as {"host": {"name": 7}}
}

test_host_tags_precedence if {
	inp := {
		"host": {"name": "db-1", "tags": {"env": "production"}},
		"facts": {"continuity": {"tags": {"env": "test", "role": "none", "owner": "ops"}}},
	}
	org := {"host_tags": {"db-1": {"role": "continuity-system", "env": "staging"}, "db-2": {"role": "x"}}}
	tags := lib.host_tags with input as inp with data.org as org
	tags == {"env": "production", "role": "continuity-system", "owner": "ops"}
	lib.tags_known with input as inp with data.org as org
}

test_host_tags_absent if {
	lib.host_tags == {} with input as {"facts": {}} with data.org as {}
	not lib.tags_known with input as {"facts": {}} with data.org as {}
	lib.tags_known with input as {"host": {"name": "db-1"}} with data.org as {"host_tags": {"db-1": {}}}
	not lib.tags_known with input as {"host": {"name": "db-9"}} with data.org as {"host_tags": {"db-1": {}}}
	lib.host_tags == {} with input as {"host": {"name": "db-1", "tags": "role=x"}} with data.org as {}
}

matches(name, patterns) if {
	lib.host_matches(patterns) with input as {"host": {"name": name}}
}

test_host_matches if {
	matches("db-01", null)
	matches("db-01", ["*"])
	matches("db-01", ["web-01", "db-01"])
	matches("db-01", ["web-*", "db-*"])
	matches("db-01.example.gov.uk", ["db-*"])
	matches("db-01", ["db-0?"])
	matches("db-01", ["{db,web}-01"])
	not matches("db-01", [])
	not matches("db-01", ["web-*"])
	not matches("db-01", ["db-0"])
	not matches("db-01", ["DB-01"])
}

test_host_matches_without_name if {
	lib.host_matches(null) with input as {}
	not lib.host_matches(["*"]) with input as {}
	not lib.host_matches(["*-01"]) with input as {}
}

test_stores if {
	org := {"data_stores": [
		{"id": "complaints", "hosts": ["files-*"], "path": "/srv/complaints"},
		{"id": "hr", "hosts": ["hr-01"], "path": "/srv/hr"},
		{"id": "everywhere", "path": "/var/lib/app"},
	]}
	s := lib.stores with input as {"host": {"name": "files-02"}} with data.org as org
	object.keys(s) == {"complaints", "everywhere"}
	s.complaints.path == "/srv/complaints"

	# Several matching patterns give the store once.
	m := lib.stores with input as {"host": {"name": "hr-01"}} with data.org as {"data_stores": [{"id": "hr", "hosts": ["hr-*", "hr-01", "*"]}]}
	object.keys(m) == {"hr"}

	# Without a host name only stores for every host apply.
	object.keys(lib.stores) == {"everywhere"} with input as {} with data.org as org
	count(lib.stores) == 0 with input as {"host": {"name": "files-02"}} with data.org as {}
}

test_stores_by_host_glob if {
	register := [
		{"id": "complaints", "hosts": ["files-*"], "path": "/srv/complaints"},
		{"id": "hr", "hosts": ["hr-01"], "path": "/srv/hr"},
		{"id": "everywhere", "path": "/var/lib/app"},
		{"id": "hr-archive", "hosts": ["hr-*", "hr-01"], "path": "/srv/hr-archive"},
		{"id": "seconds", "hosts": ["*-02"], "path": "/srv/seconds"},
	]
	want := {
		"files-02": {"complaints", "everywhere", "seconds"},
		"hr-01": {"hr", "everywhere", "hr-archive"},
		"hr-02": {"everywhere", "hr-archive", "seconds"},
		"h": {"everywhere"},
		"": {"everywhere"},
	}
	every name, ids in want {
		inp := {"host": {"name": name}}
		object.keys(lib.stores) == ids with input as inp with data.org as {"data_stores": register}
	}
}
