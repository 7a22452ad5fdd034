package auditfleet.controls.ico_sec_05_test

import data.auditfleet.controls.ico_sec_05

path(p, extra) := object.union(
	{
		"path": p, "store": "complaints", "exists": true, "mode": "0750", "owner": "complaints", "group": "complaints",
		"entries": 1200, "world_readable": 0, "world_writable": 0, "examples": [], "truncated": false, "served_by": [],
	},
	extra,
)

nginx_root := {"server": "nginx", "directive": "alias", "path": "/srv/complaints/forms", "location": "/forms/", "file": "/etc/nginx/sites-enabled/portal", "line": 14, "listing": true}

exposure(paths) := {"paths": paths, "web_servers": []}

host := {"name": "files-01", "id": "h-1", "tags": {}}

org := {"data_stores": [
	{"id": "complaints", "hosts": ["files-*"], "path": "/srv/complaints", "personal_data": true, "retention_days": 730},
	{"id": "hr", "hosts": ["hr-*"], "path": "/srv/hr", "personal_data": true},
]}

eval(facts, o) := r if {
	r := ico_sec_05.result with input as {"host": host, "facts": {"exposure": facts}, "collector_errors": []} with data.org as o
}

subjects(r) := [e.subject | some e in r.evidence]

test_private_paths_pass if {
	r := eval(exposure([path("/srv/complaints", {})]), org)
	r.status == "pass"
	r.evidence == [{
		"subject": "/srv/complaints",
		"detail": "items checked: 1200; none readable or writable by every local user (mode 0750, complaints:complaints); not served by a web server",
		"fact": "exposure.paths[/srv/complaints]",
	}]
}

test_world_readable_fails if {
	r := eval(exposure([path("/srv/complaints", {"world_readable": 3, "examples": ["/srv/complaints/2026/form-1.pdf"]}), path("/srv/other", {"store": ""})]), org)
	r.status == "fail"
	r.evidence == [{
		"subject": "/srv/complaints",
		"detail": "3 of 1200 items readable by every local user (e.g. /srv/complaints/2026/form-1.pdf)",
		"fact": "exposure.paths[/srv/complaints]",
	}]
}

test_world_writable_fails if {
	r := eval(exposure([path("/srv/complaints", {"world_writable": 1, "truncated": true})]), org)
	r.status == "fail"
	r.evidence[0].detail == "1 item writable by every local user; the walk stopped at its limit, so there may be more"
}

test_web_served_fails if {
	r := eval(exposure([path("/srv/complaints", {"served_by": [nginx_root]})]), org)
	r.status == "fail"
	r.evidence[0].detail == "served by nginx alias /srv/complaints/forms at /forms/ (/etc/nginx/sites-enabled/portal:14), with directory listing on"
}

test_all_problems_in_one_item if {
	r := eval(exposure([path("/srv/complaints", {"world_readable": 1200, "served_by": [object.union(nginx_root, {"listing": false, "location": ""})]})]), org)
	r.evidence[0].detail == "1200 of 1200 items readable by every local user; served by nginx alias /srv/complaints/forms at an unknown URL path (/etc/nginx/sites-enabled/portal:14)"
}

test_missing_path_not_assessed if {
	r := eval(exposure([path("/srv/complaints", {"exists": false, "entries": 0, "mode": ""})]), org)
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "/srv/complaints",
		"detail": "declared as personal data but does not exist on this host, so where the data really is was not checked",
		"fact": "exposure.paths[/srv/complaints].exists",
	}]
}

test_truncated_walk_not_assessed if {
	r := eval(exposure([path("/srv/complaints", {"truncated": true})]), org)
	r.status == "not_assessed"
	r.evidence[0].detail == "the walk stopped at its limit after 1200 items, so the rest was not checked"
	subjects(r) == ["/srv/complaints", "/srv/complaints"]
}

test_register_store_not_checked_not_assessed if {
	r := eval(exposure([path("/srv/other", {"store": ""})]), org)
	r.status == "not_assessed"
	r.evidence[0] == {
		"subject": "/srv/complaints",
		"detail": "data store complaints is declared personal data on this host but its path was not checked by the exposure collector",
		"fact": "exposure.paths",
	}
	r.evidence[1].subject == "/srv/other"
}

test_no_declared_paths_not_assessed if {
	r := eval(exposure([]), {})
	r.status == "not_assessed"
	r.evidence == [{"subject": "exposure", "detail": "no personal-data path is declared for this host, so the control does not apply", "fact": "exposure.paths"}]

	# Stores for other hosts do not apply here.
	eval(exposure([]), {"data_stores": [{"id": "hr", "hosts": ["hr-*"], "path": "/srv/hr", "personal_data": true}]}).evidence[0].subject == "exposure"
}

test_register_store_without_facts_paths_not_assessed if {
	r := eval(exposure([]), org)
	r.status == "not_assessed"
	subjects(r) == ["/srv/complaints"]
}

test_unread_web_config_not_assessed if {
	apache := {"name": "apache", "config_files": ["/etc/apache2/apache2.conf"], "roots": [], "unread": ["/etc/apache2/sites-enabled/000-default.conf"]}
	r := eval({"paths": [path("/srv/complaints", {})], "web_servers": [apache]}, org)
	r.status == "not_assessed"
	r.evidence[0] == {
		"subject": "apache",
		"detail": "apache configuration could not be read in full (/etc/apache2/sites-enabled/000-default.conf), so whether it serves a personal-data path is unknown",
		"fact": "exposure.web_servers",
	}
}

test_unread_web_config_does_not_hide_a_failure if {
	apache := {"name": "apache", "config_files": [], "roots": [], "unread": ["/etc/apache2/apache2.conf"]}
	r := eval({"paths": [path("/srv/complaints", {"world_readable": 3})], "web_servers": [apache]}, org)
	r.status == "fail"
}
