# METADATA
# title: Continuity plan current and tested
# description: >-
#   The host is covered by at least one plan in the organisation's
#   continuity plan register (data.org.plans: by a host glob, by its tags,
#   or by a plan reference the host declares), and every plan covering it
#   was reviewed and tested within the review and test periods (12 months
#   by default). A plan without an owner or without a section on
#   recovering records gives a warning. Without a plan register the
#   control is not assessed.
# custom:
#   id: ICO-BCP-01
#   area: RMS
#   severity: high
#   requires:
#     org: [plans]
#   reads:
#     facts: [continuity]
#     org: [data_stores, host_tags]
#   mappings:
#     cis_v8: ["11.1"]
#     iso27001: ["5.29", "5.30"]
#   remediation: >-
#     Add the host to a continuity plan in the register (its hosts or tags),
#     or write one. Review each plan named in the evidence with its owner,
#     exercise it (at least a table-top test of recovering the records it
#     covers), and record the review and test dates in the register.
package auditfleet.controls.ico_bcp_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := lib.error_result("continuity") if {
	"continuity" in lib.failed
} else := {"status": "not_assessed", "evidence": [no_register]} if {
	not has_register
} else := {"status": "fail", "evidence": array.concat([no_plan], unknown_refs)} if {
	count(covering) == 0
} else := {"status": "fail", "evidence": array.concat(by_level.fail, unknown_refs)} if {
	count(by_level.fail) > 0
} else := {"status": "warn", "evidence": array.concat(array.concat(by_level.warn, by_level.pass), unknown_refs)} if {
	count(by_level.warn) > 0
} else := {"status": "pass", "evidence": array.concat(by_level.pass, unknown_refs)}

has_register if is_array(data.org.plans)

# refs are the plan IDs the host declares (continuity facts).
refs := {r | some r in input.facts.continuity.plan_refs}

# covering are the register's plans that cover this host, by ID. The
# register is the organisation's and every host evaluates this, so it is
# matched in passes without function calls: declared references (only
# when the host declares any), host globs and tags. The server and orgdata
# provide an index built once per upload (data.org.plan_hosts: plan
# positions by ID, by literal host name, by glob pattern grouped by prefix as in
# lib.stores, and by required tag), so a host costs a few lookups, one
# glob.match per distinct glob pattern whose prefix key its name starts
# with and one object.subset per plan sharing a tag with it; without it (e.g. in
# opa test) every plan is matched: one glob.match per pattern and one
# object.subset per plan that lists tags.
covering[p.id] := p if {
	not plan_index
	count(refs) > 0
	some p in data.org.plans
	p.id in refs
}

covering[p.id] := p if {
	some r in refs
	p := data.org.plans[plan_index.ids[r]]
}

covering[p.id] := p if {
	not plan_index
	name := lib.host_name
	p := data.org.plans[_]
	glob.match(p.covers.hosts[_], null, name)
}

covering[p.id] := p if {
	not plan_index
	tags := lib.host_tags
	p := data.org.plans[_]
	count(p.covers.tags) > 0
	object.subset(tags, p.covers.tags)
}

covering[p.id] := p if {
	name := lib.host_name
	p := data.org.plans[plan_index.names[name][_]]
}

covering[p.id] := p if {
	name := lib.host_name
	some n in [0, 1, 2, 3]
	some pattern, positions in plan_index.globs[substring(name, 0, n)]
	glob.match(pattern, null, name)
	p := data.org.plans[positions[_]]
}

covering[p.id] := p if {
	tags := lib.host_tags
	some k, v in tags
	p := data.org.plans[plan_index.tags[k][v][_]]
	object.subset(tags, p.covers.tags)
}

# plan_index is data.org.plan_hosts when provided.
plan_index := x if {
	x := data.org.plan_hosts
	is_object(x)
}

reviewed_cutoff := months_ago(lib.thresholds.plan_review_months)

tested_cutoff := months_ago(lib.thresholds.plan_test_months)

# months_ago(n) is the day n months before the evaluation day,
# "YYYY-MM-DD": dates compare as strings (see lib.today).
months_ago(n) := time.format([time.add_date(time.now_ns(), 0, 0 - n, 0), "UTC", "2006-01-02"])

# assessed has one entry per covering plan: level "fail" (review or test
# overdue or missing), "warn" (no owner or no record-recovery section) or
# "pass", with one evidence item.
assessed := [{"level": level, "evidence": {"subject": object.get(p, "id", "unnamed plan"), "detail": detail, "fact": sprintf("data.org.plans[%v]", [object.get(p, "id", "")])}} |
	some p in covering
	overdue := array.concat(
		[dated_wording("reviewed", p, "last_review", lib.thresholds.plan_review_months) | not current(p, "last_review", reviewed_cutoff)],
		[dated_wording("tested", p, "last_test", lib.thresholds.plan_test_months) | not current(p, "last_test", tested_cutoff)],
	)
	gaps := array.concat(
		["no owner recorded" | object.get(p, "owner", "") == ""],
		["no section on recovering records" | object.get(p, "record_recovery", false) != true],
	)
	level := plan_level(count(overdue), count(gaps))
	detail := plan_wording(p, overdue, gaps)
]

by_level := {level: [a.evidence | some a in assessed; a.level == level] | some level in {"fail", "warn", "pass"}}

current(p, key, cutoff) if {
	is_string(p[key])
	p[key] >= cutoff
}

dated_wording(verb, p, key, months) := sprintf("last %v %v, over %v ago", [verb, p[key], lib.plural(months, "month")]) if {
	is_string(p[key])
} else := sprintf("never %v", [verb])

plan_level(overdue, gaps) := "fail" if {
	overdue > 0
} else := "warn" if {
	gaps > 0
} else := "pass"

plan_wording(p, overdue, gaps) := sprintf("%v: %v", [label(p), concat("; ", array.concat(overdue, gaps))]) if {
	count(overdue) + count(gaps) > 0
} else := sprintf("%v: reviewed %v, tested %v; covers recovering records", [label(p), p.last_review, p.last_test])

label(p) := sprintf("%v (owner %v)", [object.get(p, "name", object.get(p, "id", "unnamed plan")), p.owner]) if {
	is_string(p.owner)
	p.owner != ""
} else := object.get(p, "name", object.get(p, "id", "unnamed plan"))

# unknown_refs notes plan references the host declares that the register
# does not have.
unknown_refs := [{"subject": r, "detail": sprintf("the host declares continuity plan %v, which is not in the plan register", [r]), "fact": "continuity.plan_refs"} |
	some r in refs
	not r in plan_ids
]

# plan_ids are the register's plan IDs: the keys of the index when
# provided (it is built only when the IDs are distinct strings).
plan_ids := object.keys(plan_index.ids) if {
	is_object(plan_index.ids)
} else := {p.id | some p in data.org.plans}

no_register := {"subject": "plans", "detail": "no continuity plan register in the organisation data (data.org.plans), so plan coverage could not be checked", "fact": "data.org.plans"}

no_plan := {"subject": "continuity-plan", "detail": "no continuity plan in the register covers this host (by host name, tags or a plan reference it declares)", "fact": "data.org.plans"}
