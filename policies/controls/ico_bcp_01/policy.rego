# METADATA
# title: Continuity plan current and tested
# description: >-
#   The host is covered by at least one plan in the organisation's
#   continuity plan register (data.org.plans: by a host glob, by its tags,
#   or by a plan reference the host declares), and every plan covering it
#   was reviewed and tested within the review and test periods (12 months
#   by default). A plan without an owner or without a section on
#   recovering records gives a warning. Without a plan register the
#   control is not assessed, as it is when the host's declaration could
#   not be read in full, unless a covering plan already fails.
# custom:
#   id: ICO-BCP-01
#   area: RMS
#   severity: high
#   requires:
#     org: [plans]
#   reads:
#     facts: [continuity, os]
#     org: [host_tags, thresholds]
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

# result is the control's outcome for this host. The continuity facts are
# optional (a host may declare plan references), but when their collector
# failed the references may be missing, so the control reports error.
result := lib.error_result("continuity") if {
	"continuity" in lib.failed
} else := {"status": "not_assessed", "evidence": [declaration_unread]} if {
	count(covering) == 0
	declaration_unread
} else := {"status": "fail", "evidence": array.concat([no_plan], unknown_refs)} if {
	count(covering) == 0
} else := {"status": "fail", "evidence": array.concat(by_level.fail, unknown_refs)} if {
	count(by_level.fail) > 0
} else := {"status": "not_assessed", "evidence": array.concat([declaration_unread], by_level.warn)} if {
	declaration_unread
} else := {"status": "warn", "evidence": array.concat(array.concat(by_level.warn, by_level.pass), unknown_refs)} if {
	count(by_level.warn) > 0
} else := {"status": "pass", "evidence": array.concat(by_level.pass, unknown_refs)}

# refs are the plan IDs the host declares (continuity facts).
refs := {r | some r in input.facts.continuity.plan_refs}

# covering are the register's plans that cover this host, by ID: those it
# declares, those whose host globs name it, and those whose tags it has.
covering[p.id] := p if {
	some p in data.org.plans
	covers(p)
}

covers(p) if p.id in refs

covers(p) if {
	some pattern in p.covers.hosts
	glob.match(pattern, null, lib.host_name)
}

covers(p) if {
	count(p.covers.tags) > 0
	object.subset(lib.host_tags, p.covers.tags)
}

reviewed_cutoff := months_ago(lib.thresholds.plan_review_months)

tested_cutoff := months_ago(lib.thresholds.plan_test_months)

# months_ago(n) is the day n months before the evaluation day,
# "YYYY-MM-DD": dates compare as strings (see lib.today).
months_ago(n) := time.format([time.add_date(time.now_ns(), 0, 0 - n, 0), "UTC", "2006-01-02"])

# assessed has one entry per covering plan: level "fail" (review or test
# overdue or missing), "warn" (no owner or no record-recovery section) or
# "pass", with one evidence item.
assessed := [assess(p) | some p in covering]

assess(p) := {"level": plan_level(count(overdue), count(gaps)), "evidence": evidence} if {
	overdue := array.concat(
		[dated_wording("reviewed", p, "last_review", lib.thresholds.plan_review_months) |
			not current(p, "last_review", reviewed_cutoff)
		],
		[dated_wording("tested", p, "last_test", lib.thresholds.plan_test_months) |
			not current(p, "last_test", tested_cutoff)
		],
	)
	gaps := array.concat(
		["no owner recorded" | object.get(p, "owner", "") == ""],
		["no section on recovering records" | object.get(p, "record_recovery", false) != true],
	)
	evidence := {
		"subject": object.get(p, "id", "unnamed plan"),
		"detail": plan_wording(p, overdue, gaps),
		"fact": sprintf("data.org.plans[%v]", [object.get(p, "id", "")]),
	}
}

by_level := {level: [a.evidence | some a in assessed; a.level == level] | some level in {"fail", "warn", "pass"}}

current(p, key, cutoff) if {
	is_string(p[key])
	p[key] >= cutoff
}

dated_wording(verb, p, key, months) := sprintf("last %v %v, over %v ago", [
	verb,
	p[key],
	lib.plural(months, "month"),
]) if {
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
unknown_refs := [{
	"subject": r,
	"detail": sprintf("the host declares continuity plan %v, which is not in the plan register", [r]),
	"fact": "continuity.plan_refs",
} |
	some r in refs
	not r in {p.id | some p in data.org.plans}
]

# declaration_unread says why the plan references the host declares are
# unknown: its tags file is there but could not be read in full, so a
# plan covering it may be missing from what was read.
declaration_unread := {
	"subject": "host",
	"detail": sprintf(
		"the host's declaration could not be read in full (%v), so the plans it declares are unknown",
		[input.facts.continuity.unread],
	),
	"fact": "continuity.unread",
} if {
	is_string(input.facts.continuity.unread)
}

no_plan := {
	"subject": "continuity-plan",
	"detail": concat(" ", [
		"no continuity plan in the register covers this host",
		"(by host name, tags or a plan reference it declares)",
	]),
	"fact": "data.org.plans",
}
