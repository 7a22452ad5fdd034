package auditfleet.controls.ico_bcp_01_test

import data.auditfleet.controls.ico_bcp_01

# 2026-09-01T00:00:00Z
now := 1788220800000000000

plan(id, covers, extra) := object.union(
	{
		"id": id, "name": sprintf("Plan %v", [id]), "owner": "Head of IT", "covers": covers,
		"last_review": "2026-03-01", "last_test": "2025-11-02", "record_recovery": true,
	},
	extra,
)

db_plan := plan("BCP-IT-01", {"hosts": ["db-*"]}, {})

tagged_plan := plan("BCP-CS-02", {"tags": {"role": "continuity-system"}}, {"owner": ""})

host(name, tags, facts) := {"host": {"id": "h", "name": name, "tags": tags}, "facts": facts, "collector_errors": []}

eval(inp, plans) := r if {
	r := ico_bcp_01.result with input as inp with data.org as {"plans": plans} with time.now_ns as now
}

subjects(r) := [e.subject | some e in r.evidence]

test_current_plan_passes if {
	r := eval(host("db-01", {}, {}), [db_plan, tagged_plan])
	r.status == "pass"
	r.evidence == [{
		"subject": "BCP-IT-01",
		"detail": "Plan BCP-IT-01 (owner Head of IT): reviewed 2026-03-01, tested 2025-11-02; covers recovering records",
		"fact": "data.org.plans[BCP-IT-01]",
	}]
}

test_exactly_twelve_months_passes if {
	eval(host("db-01", {}, {}), [plan("P", {"hosts": ["*"]}, {"last_review": "2025-09-01", "last_test": "2025-09-01"})]).status == "pass"
}

test_no_covering_plan_fails if {
	r := eval(host("web-01", {"role": "frontend"}, {}), [db_plan, tagged_plan])
	r.status == "fail"
	r.evidence == [{
		"subject": "continuity-plan",
		"detail": "no continuity plan in the register covers this host (by host name, tags or a plan reference it declares)",
		"fact": "data.org.plans",
	}]
	eval(host("web-01", {}, {}), []).status == "fail"
}

test_overdue_review_and_test_fail if {
	stale := plan("BCP-IT-01", {"hosts": ["db-*"]}, {"last_review": "2025-08-31", "last_test": null})
	r := eval(host("db-01", {}, {}), [stale])
	r.status == "fail"
	r.evidence == [{
		"subject": "BCP-IT-01",
		"detail": "Plan BCP-IT-01 (owner Head of IT): last reviewed 2025-08-31, over 12 months ago; never tested",
		"fact": "data.org.plans[BCP-IT-01]",
	}]
}

test_covered_by_tags_and_gaps_warn if {
	r := eval(host("app-07", {"role": "continuity-system"}, {}), [db_plan, object.union(tagged_plan, {"record_recovery": false})])
	r.status == "warn"
	r.evidence[0].detail == "Plan BCP-CS-02: no owner recorded; no section on recovering records"
}

test_covered_by_org_host_tags if {
	r := ico_bcp_01.result with input as host("app-07", {}, {}) with data.org as {"plans": [tagged_plan], "host_tags": {"app-07": {"role": "continuity-system"}}} with time.now_ns as now
	r.status == "warn"
}

test_covered_by_declared_reference if {
	facts := {"continuity": {"tags": {}, "continuity_system": false, "plan_refs": ["BCP-IT-01", "BCP-GONE"], "source": "/etc/auditfleet/tags"}}
	r := eval(host("web-01", {}, facts), [db_plan])
	r.status == "pass"
	subjects(r) == ["BCP-IT-01", "BCP-GONE"]
	r.evidence[1].detail == "the host declares continuity plan BCP-GONE, which is not in the plan register"
}

test_review_periods_configurable if {
	org := {"plans": [db_plan], "thresholds": {"plan_test_months": 6}}
	r := ico_bcp_01.result with input as host("db-01", {}, {}) with data.org as org with time.now_ns as now
	r.status == "fail"
	r.evidence[0].detail == "Plan BCP-IT-01 (owner Head of IT): last tested 2025-11-02, over 6 months ago"
}

test_coverage_routes if {
	plans := [
		db_plan,
		tagged_plan,
		plan("BCP-WEB-03", {"hosts": ["web-01"]}, {}),
		plan("BCP-ANY-04", {"hosts": ["{web,db}-0?"]}, {"last_test": null}),
	]
	inputs := [
		host("db-01", {}, {}),
		host("web-01", {"role": "continuity-system"}, {}),
		host("web-02", {}, {"continuity": {"plan_refs": ["BCP-CS-02", "BCP-XX-09"]}}),
		host("mail-01", {"role": "continuity-system", "env": "test"}, {}),
		host("mail-01", {}, {}),
		{"facts": {"continuity": {"plan_refs": ["BCP-IT-01"]}}},
	]

	# The inputs reach plans by every route: name, glob, tag and reference.
	want := [
		{"BCP-IT-01", "BCP-ANY-04"},
		{"BCP-WEB-03", "BCP-CS-02", "BCP-ANY-04"},
		{"BCP-CS-02", "BCP-ANY-04"},
		{"BCP-CS-02"},
		set(),
		{"BCP-IT-01"},
	]
	every i, inp in inputs {
		object.keys(ico_bcp_01.covering) == want[i] with input as inp with data.org as {"plans": plans}
	}
}

unread_facts := {"continuity": {
	"tags": {}, "continuity_system": false, "plan_refs": [], "source": "/etc/auditfleet/tags",
	"unread": "/etc/auditfleet/tags: its last line \"plan = BCP\" does not end in a newline: cut short",
}}

test_unread_declaration_without_plan_not_assessed if {
	r := eval(host("web-01", {}, unread_facts), [db_plan])
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "host",
		"detail": "the host's declaration could not be read in full (/etc/auditfleet/tags: its last line \"plan = BCP\" does not end in a newline: cut short), so the plans it declares are unknown",
		"fact": "continuity.unread",
	}]
}

test_unread_declaration_with_current_plan_not_assessed if {
	# A plan it declares but was lost may be overdue.
	r := eval(host("db-01", {}, unread_facts), [db_plan])
	r.status == "not_assessed"
	subjects(r) == ["host"]
}

test_unread_declaration_with_overdue_plan_fails if {
	stale := plan("BCP-IT-01", {"hosts": ["db-*"]}, {"last_review": "2025-08-31"})
	r := eval(host("db-01", {}, unread_facts), [stale])
	r.status == "fail"
}
