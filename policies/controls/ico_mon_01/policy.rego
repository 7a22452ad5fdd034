# METADATA
# title: Failures do not go unnoticed
# description: >-
#   No systemd unit or timer, and no cron job, on the host has been failing
#   for longer than the failure period (24 hours by default): that long a
#   failure means nobody noticed. A failure younger than that gives a
#   warning, as does a collector of this audit that crashed, timed out or
#   was refused in this run (evidence that something on the host fails,
#   though a single run cannot show for how long; the controls fed by that
#   collector report error). When the failed units or the failing cron
#   jobs cannot be known (an unreadable journal, cron not logging
#   failures) and nothing known fails, the control is not assessed.
# custom:
#   id: ICO-MON-01
#   area: BRM
#   severity: medium
#   reads:
#     facts: [services]
#     org: [thresholds]
#   mappings:
#     iso27001: ["8.16"]
#   remediation: >-
#     Fix or remove the failing units and jobs named in the evidence
#     (systemctl status, journalctl -u, the cron log), then clear the failed
#     state (systemctl reset-failed). Make job failures alert someone (an
#     OnFailure= unit, cron MAILTO, monitoring of failed units) so that the
#     next failure is noticed the same day.
package auditfleet.controls.ico_mon_01

import data.auditfleet.lib

# result is the control's outcome for this host. The services facts are
# read, not required: without them, collectors that failed in this run
# still give a warning.
result := missing if {
	not has_services
} else := {"status": "fail", "evidence": array.concat(failing.long, failing.recent)} if {
	count(failing.long) > 0
} else := {"status": "warn", "evidence": array.concat(failing.recent, collector_failures)} if {
	count(failing.recent) + count(collector_failures) > 0
} else := {"status": "not_assessed", "evidence": unknown} if {
	count(unknown) > 0
} else := {"status": "pass", "evidence": [summary]}

has_services if is_object(input.facts.services)

# missing is the result without services facts: error when their
# collector failed; otherwise a warning when other collectors failed in
# this run, else not assessed.
missing := lib.error_result("services") if {
	"services" in lib.failed
} else := {"status": "warn", "evidence": array.concat(collector_failures, absent.evidence)} if {
	count(collector_failures) > 0
} else := absent

absent := lib.absent_result("services")

failure_hours := lib.thresholds.failure_hours

# failing sorts the failed units and cron jobs into those failing for
# longer than the failure period ("long") and the rest ("recent"). UTC
# timestamps compare as strings (see lib.ts_days_ago).
failing := {"long": long, "recent": recent} if {
	cutoff := lib.ts_hours_ago(failure_hours)
	items := array.concat(failed_units, failed_cron)
	long := [i.evidence | some i in items; i.since != ""; i.since < cutoff]
	recent := [i.evidence | some i in items; not longer(i.since, cutoff)]
}

failed_units := [{"since": object.get(u, "since", ""), "evidence": lib.evidence(name, detail, fact)} |
	some u in input.facts.services.failed_units
	name := object.get(u, "unit", "unnamed unit")
	detail := sprintf("%v unit failed (%v) %v", [
		object.get(u, "type", "systemd"),
		object.get(u, "result", "result not recorded"),
		since(object.get(u, "since", "")),
	])
	fact := sprintf("services.failed_units[%v]", [object.get(u, "unit", "")])
]

failed_cron := [{"since": object.get(c, "failing_since", ""), "evidence": lib.evidence(name, detail, fact)} |
	some c in input.facts.services.failed_cron
	name := object.get(c, "job", "unnamed cron job")
	detail := sprintf("cron job %v (as %v) failed %v times in a row, %v", [
		object.get(c, "command", ""),
		object.get(c, "user", "?"),
		object.get(c, "failures", "several"),
		since(object.get(c, "failing_since", "")),
	])
	fact := sprintf("services.failed_cron[%v]", [object.get(c, "job", "")])
]

longer(t, cutoff) if {
	t != ""
	t < cutoff
}

# since(t) says for how long something has failed.
since(t) := sprintf("since %v, %v", [t, duration(t)]) if {
	is_string(t)
	t != ""
} else := "since an unrecorded time"

duration(t) := sprintf("%v ago", [lib.plural(floor(age / 3600000000000), "hour")]) if {
	age := time.now_ns() - lib.timestamp_ns(t)
	age < 172800000000000
} else := sprintf("%v ago", [lib.plural(lib.days_ago(t), "day")])

# collector_failures has one warning per collector of this audit that
# failed in this run.
collector_failures := [lib.evidence(sprintf("collector:%v", [collector]), detail, "collector_errors") |
	some e in input.collector_errors
	collector := object.get(e, "collector", "unknown")
	detail := sprintf("collector %v failed in this run (%v): %v", [
		collector,
		object.get(e, "kind", "unknown"),
		object.get(e, "message", "no message"),
	])
]

# unknown has one item per list the collector could not know (null in
# the facts): nothing failing among what was seen is then no pass.
unknown := array.concat(
	[lib.evidence("services", units_unknown, "services.failed_units") |
		input.facts.services.failed_units == null
	],
	[lib.evidence("services", cron_unknown, "services.failed_cron") |
		input.facts.services.failed_cron == null
	],
)

units_unknown := concat(" ", [
	"failed systemd units could not be known",
	"(the journal could not be read, or does not cover the current boot)",
])

cron_unknown := concat(" ", [
	"failing cron jobs could not be known",
	"(cron jobs are set up but their failures are not logged, or no log could be read)",
])

summary := lib.evidence(
	"services",
	sprintf("no failed systemd unit or timer%v and no failing cron job", [systemd_note]),
	"services",
)

systemd_note := "" if {
	input.facts.services.systemd == true
} else := " (not a systemd host)"
