# METADATA
# title: Retention and true deletion
# description: >-
#   Each data store the organisation's register (data.org.data_stores)
#   places on this host keeps nothing past its retention period plus grace
#   (30 days by default), and items it marks as deleted are really deleted
#   within the purge window (30 days by default). A store with no
#   retention period declared, or that the collector did not check, is not
#   assessed; without a register, or with no store on this host, the
#   control is not assessed.
# custom:
#   id: ICO-RET-01
#   area: RMS
#   severity: medium
#   requires:
#     facts: [retention]
#     org: [data_stores]
#   reads:
#     facts: [os]
#     org: [thresholds]
#   mappings:
#     cis_v8: ["3.4", "3.5"]
#     iso27001: ["8.10"]
#   remediation: >-
#     Delete (or anonymise) the records past their retention period, as the
#     retention schedule requires, and automate the disposal. Purge items
#     marked as deleted within the purge window, so that deletion is real,
#     and record the disposal.
package auditfleet.controls.ico_ret_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "not_assessed", "evidence": [no_register]} if {
	not has_register
} else := {"status": "not_assessed", "evidence": [not_applicable]} if {
	count(lib.stores) == 0
} else := {"status": "fail", "evidence": [a.evidence | some a in assessed; a.level == "fail"]} if {
	some a in assessed
	a.level == "fail"
} else := {"status": "not_assessed", "evidence": [a.evidence | some a in assessed; a.level == "unknown"]} if {
	some a in assessed
	a.level == "unknown"
} else := {"status": "pass", "evidence": [a.evidence | some a in assessed]}

has_register if is_array(data.org.data_stores)

# checked are the collector's results by store ID.
checked := {s.id: s | some s in input.facts.retention.stores}

# assessed has one entry per register store on this host (lib.stores):
# level "fail", "unknown" or "ok", and one evidence item.
assessed := [{
	"level": level,
	"evidence": {"subject": id, "detail": detail, "fact": sprintf("retention.stores[%v]", [id])},
} |
	some id, store in lib.stores
	verdict := assess(store, object.get(checked, id, null))
	level := verdict.level
	detail := verdict.detail
]

# assess(store, facts) judges one store from its declaration and the
# collector's facts (null when it did not check the store).
assess(store, facts) := {
	"level": "unknown",
	"detail": sprintf("declared at %v but not checked by the retention collector", [object.get(store, "path", "")]),
} if {
	facts == null
} else := {
	"level": "unknown",
	"detail": sprintf("declared at %v, which does not exist on this host", [object.get(facts, "path", "")]),
} if {
	facts.exists == false
} else := {
	"level": "unknown",
	"detail": concat(" ", [
		"no retention period declared for the store (retention_days), so",
		"whether items are kept too long cannot be judged",
	]),
} if {
	not is_number(object.get(store, "retention_days", null))
} else := {"level": "unknown", "detail": empty_detail(facts)} if {
	object.get(facts, "items", 0) == 0
	object.get(facts, "soft_deleted", 0) == 0
	facts.truncated != true
} else := judged(store, facts)

# empty_detail(facts) says why a store holding no item is not judged.
empty_detail(facts) := sprintf(
	concat(" ", [
		"declared at %v, which holds no item: an empty store shows nothing about retention",
		"(its data may live elsewhere, e.g. on a volume not mounted there)",
	]),
	[object.get(facts, "path", "")],
)

judged(store, facts) := {
	"level": store_level(count(problems), count(walk)),
	"detail": concat("; ", array.concat(array.concat(problems, walk), [kept_wording(store, facts)])),
} if {
	problems := array.concat(past_retention(store, facts), undeleted(store, facts))
	walk := ["the walk stopped at its limit, so older items may not have been seen" |
		facts.truncated == true
		count(problems) == 0
	]
}

grace_days(store) := object.get(store, "grace_days", lib.thresholds.retention_grace_days)

purge_days(store) := object.get(store, "purge_days", lib.thresholds.soft_delete_purge_days)

# past_retention(store, facts) says when the oldest item is past the
# retention period plus grace.
past_retention(store, facts) := [sprintf(
	concat(" ", [
		"oldest item from %v, %v days old, is past the %v-day retention period plus",
		"%v days' grace (the collector counted %v past it)",
	]),
	[
		substring(facts.oldest_item, 0, 10),
		lib.days_ago(facts.oldest_item),
		store.retention_days,
		grace_days(store),
		object.get(facts, "past_retention", "none"),
	],
) |
	is_string(facts.oldest_item)
	facts.oldest_item < lib.ts_days_ago(store.retention_days + grace_days(store))
]

# undeleted(store, facts) says when items marked as deleted are kept past
# the purge window.
undeleted(store, facts) := [sprintf(
	"%v marked deleted, the longest on %v (%v days ago), past the %v-day purge window: not truly deleted",
	[
		object.get(facts, "soft_deleted", 0),
		substring(facts.oldest_soft_deleted, 0, 10),
		lib.days_ago(facts.oldest_soft_deleted),
		purge_days(store),
	],
) |
	is_string(facts.oldest_soft_deleted)
	facts.oldest_soft_deleted < lib.ts_days_ago(purge_days(store))
]

kept_wording(store, facts) := sprintf(
	"live items: %v, kept %v days plus %v days' grace; marked deleted: %v, purged after %v days",
	[
		object.get(facts, "items", 0),
		store.retention_days,
		grace_days(store),
		object.get(facts, "soft_deleted", 0),
		purge_days(store),
	],
)

store_level(problems, walk) := "fail" if {
	problems > 0
} else := "unknown" if {
	walk > 0
} else := "ok"

no_register := {
	"subject": "data-stores",
	"detail": "no data-store register in the organisation data (data.org.data_stores), so retention could not be checked",
	"fact": "data.org.data_stores",
}

not_applicable := {
	"subject": "data-stores",
	"detail": "no data store in the register is on this host, so the control does not apply here",
	"fact": "data.org.data_stores",
}
