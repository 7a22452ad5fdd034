# METADATA
# title: Restore tested
# description: >-
#   A restore from backup has been tested and passed within the maximum
#   restore-test age (90 days by default), according to the restore-test
#   evidence records on the host. A record counts as passing when its
#   result is pass and its checksums did not mismatch. No record, or no
#   recent passing one, is a failure.
# custom:
#   id: ICO-BKP-02
#   area: RMS
#   severity: high
#   requires:
#     facts: [backups]
#   reads:
#     org: [thresholds]
#   mappings:
#     cis_v8: ["11.5"]
#     iso27001: ["8.13"]
#   remediation: >-
#     Restore a recent backup to a scratch location (or let the automated
#     restore test do it), compare checksums with the original data, and
#     record the test: date, what was restored, result and checksum match.
#     Investigate and repeat any failed restore test straight away.
package auditfleet.controls.ico_bkp_02

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "pass", "evidence": passing} if {
	count(passing) > 0
} else := {"status": "fail", "evidence": array.concat([no_recent_pass], recent_failures)}

tests := t if {
	t := input.facts.backups.restore_tests
	is_array(t)
} else := []

max_age := lib.thresholds.restore_test_max_age_days

cutoff := lib.ts_days_ago(max_age)

# recent are the restore tests performed within the maximum age.
recent := [t |
	some t in tests
	is_string(t.performed_at)
	t.performed_at >= cutoff
]

passing := [lib.evidence(
	object.get(t, "id", "restore test"),
	sprintf(
		"restore test on %v passed: restored %v%v",
		[substring(t.performed_at, 0, 10), object.get(t, "restored", "(not recorded)"), checksum_note(t)],
	),
	sprintf("backups.restore_tests[%v]", [object.get(t, "id", "")]),
) |
	some t in recent
	t.result == "pass"
	object.get(t, "checksum_match", null) != false
]

checksum_note(t) := "; checksums matched" if {
	t.checksum_match == true
} else := "; checksums not recorded"

recent_failures := [lib.evidence(
	object.get(t, "id", "restore test"),
	sprintf(
		"restore test on %v %v: restored %v",
		[substring(t.performed_at, 0, 10), failure_wording(t), object.get(t, "restored", "(not recorded)")],
	),
	sprintf("backups.restore_tests[%v]", [object.get(t, "id", "")]),
) |
	some t in recent
	not passed(t)
]

passed(t) if {
	t.result == "pass"
	object.get(t, "checksum_match", null) != false
}

failure_wording(t) := "failed" if {
	t.result != "pass"
} else := "passed but the checksums did not match"

no_recent_pass := lib.evidence(
	"restore-test",
	sprintf("no passing restore test within %v; %v", [lib.plural(max_age, "day"), latest_wording]),
	"backups.restore_tests",
)

latest_wording := "no restore-test record found" if {
	count(tests) == 0
} else := sprintf("the latest record is from %v, %v days ago", [substring(latest, 0, 10), lib.days_ago(latest)]) if {
	latest := max({t.performed_at | some t in tests; is_string(t.performed_at)})
} else := "no restore-test record has a readable date"
