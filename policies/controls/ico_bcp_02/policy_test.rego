package auditfleet.controls.ico_bcp_02_test

import data.auditfleet.controls.ico_bcp_02

# 2026-09-01T00:00:00Z
now := 1788220800000000000

lifecycle := {
	"source": {"repository": "example/eol", "commit": "abc123"},
	"os_release_ids": {"debian": ["debian"]},
	"products": {"debian": {
		"title": "Debian",
		"match": {"ids": ["debian"], "version_components": [1]},
		"extended_support": {"kind": "free", "name": "Debian LTS"},
		"releases": {
			"10": {"codename": "Buster", "eol": "2022-09-10", "eoes": "2024-06-30"},
			"13": {"codename": "Trixie", "eol": "2028-08-09", "eoes": "2030-06-30"},
		},
	}},
}

os(version) := {"family": "linux", "id": "debian", "name": "Debian GNU/Linux", "pretty_name": "Debian", "version_id": version, "version_codename": "", "hostname": "db-01", "entitlements": []}

job := {
	"id": "restic:vault", "tool": "restic", "source": "config", "repository": "sftp:vault:/srv/restic",
	"last_success": "2026-08-31T01:00:00Z", "last_run": "2026-08-31T01:00:00Z", "last_result": "success",
	"encrypted": true, "off_host": true, "immutable": true,
}

restore := {"id": "r.json", "job": "restic:vault", "performed_at": "2026-07-15T10:00:00Z", "result": "pass", "restored": "casework", "checksum_match": true, "source": "/var/lib/r.json"}

backups(jobs, tests) := {"jobs": jobs, "restore_tests": tests}

host(tags, facts) := {"host": {"id": "h", "name": "db-01", "tags": tags}, "facts": facts, "collector_errors": []}

cs := {"role": "continuity-system"}

eval(inp) := r if {
	r := ico_bcp_02.result with input as inp with data.lifecycle as lifecycle with data.org as {} with time.now_ns as now
}

subjects(r) := [e.subject | some e in r.evidence]

test_supported_and_backed_up_passes if {
	r := eval(host(cs, {"os": os("13"), "backups": backups([job], [restore])}))
	r.status == "pass"
	subjects(r) == ["ICO-BKP-01", "ICO-BKP-02", "ICO-SEC-01"]
	r.evidence[2] == {
		"subject": "ICO-SEC-01",
		"detail": "pass on this continuity system: Debian 13 (Trixie): regular security support until 2028-08-09; free Debian LTS until 2030-06-30",
		"fact": "ICO-SEC-01",
	}
}

test_unsupported_os_fails if {
	r := eval(host(cs, {"os": os("10"), "backups": backups([job], [restore])}))
	r.status == "fail"
	startswith(r.evidence[2].detail, "fail on this continuity system: Debian 10 (Buster)")
}

test_no_restore_test_fails if {
	r := eval(host(cs, {"os": os("13"), "backups": backups([job], [])}))
	r.status == "fail"
	r.evidence[1].detail == "fail on this continuity system: no passing restore test within 90 days; no restore-test record found"
}

test_missing_backup_facts_not_assessed if {
	r := eval(host(cs, {"os": os("13")}))
	r.status == "not_assessed"
	r.evidence[0].detail == "not_assessed on this continuity system: no backups facts in this report, so the control could not be assessed"
}

test_collector_error_is_error if {
	inp := object.union(host(cs, {"os": os("13")}), {"collector_errors": [{"collector": "backups", "namespace": "backups", "kind": "crash", "message": "boom"}]})
	eval(inp).status == "error"
}

test_declared_continuity_system_assessed if {
	facts := {"os": os("10"), "backups": backups([job], [restore]), "continuity": {"tags": {}, "continuity_system": true, "plan_refs": [], "source": "/etc/auditfleet/tags"}}
	eval(host({}, facts)).status == "fail"
}

test_org_tag_makes_continuity_system if {
	r := ico_bcp_02.result with input as host({}, {"os": os("10")}) with data.lifecycle as lifecycle with data.org as {"host_tags": {"db-01": cs}} with time.now_ns as now
	r.status == "fail"
}

test_other_host_does_not_apply if {
	r := eval(host({"role": "web"}, {"os": os("10"), "backups": backups([], [])}))
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "host",
		"detail": "not a continuity system (no role=continuity-system tag or declaration), so the control does not apply",
		"fact": "continuity.continuity_system",
	}]
}

test_unknown_role_not_assessed if {
	r := eval({"facts": {"os": os("10")}})
	r.status == "not_assessed"
	r.evidence[0].detail == "no host tags or continuity facts, so whether this is a continuity system is unknown"
}

test_continuity_collector_error if {
	inp := {"facts": {"os": os("13")}, "collector_errors": [{"collector": "continuity", "namespace": "continuity", "kind": "timeout", "message": "killed"}]}
	eval(inp).status == "error"
}
