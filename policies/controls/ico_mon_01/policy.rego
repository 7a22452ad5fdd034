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
#   requires:
#     facts: [services]
#   reads:
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

# result is the control's outcome for this host.
result := missing if {
	not has_facts
} else := {"status": "fail", "evidence": array.concat(failing.long, failing.recent)} if {
	count(failing.long) > 0
} else := {"status": "warn", "evidence": array.concat(failing.recent, collector_failures)} if {
	count(failing.recent) + count(collector_failures) > 0
} else := {"status": "not_assessed", "evidence": unknown} if {
	count(unknown) > 0
} else := {"status": "pass", "evidence": [summary]}

# missing is the result without services facts: error when their
# collector failed; otherwise a warning when other collectors failed in
# this run, else not assessed.
missing := lib.error_result("services") if {
	"services" in lib.failed
} else := {"status": "warn", "evidence": array.concat(collector_failures, lib.absent_result("services").evidence)} if {
	count(collector_failures) > 0
} else := lib.absent_result("services")

# has_facts is a rule of its own: "not is_object(...)" would be undefined,
# not true, when input.facts.services is undefined.
has_facts if is_object(input.facts.services)

failure_hours := lib.thresholds.failure_hours

# failing sorts the failed units and cron jobs into those failing for
# longer than the failure period ("long") and the rest ("recent"). UTC
# timestamps compare as strings (see lib.ts_days_ago).
failing := {"long": long, "recent": recent} if {
	cutoff := lib.ts_hours_ago(failure_hours)
	items := array.concat(
		[{"since": object.get(u, "since", ""), "evidence": lib.evidence(object.get(u, "unit", "unnamed unit"), sprintf("%v unit failed (%v) %v", [object.get(u, "type", "systemd"), object.get(u, "result", "result not recorded"), since(object.get(u, "since", ""))]), sprintf("services.failed_units[%v]", [object.get(u, "unit", "")]))} |
			some u in input.facts.services.failed_units
		],
		[{"since": object.get(c, "failing_since", ""), "evidence": lib.evidence(object.get(c, "job", "unnamed cron job"), sprintf("cron job %v (as %v) failed %v times in a row, %v", [object.get(c, "command", ""), object.get(c, "user", "?"), object.get(c, "failures", "several"), since(object.get(c, "failing_since", ""))]), sprintf("services.failed_cron[%v]", [object.get(c, "job", "")]))} |
			some c in input.facts.services.failed_cron
		],
	)
	long := [i.evidence | some i in items; i.since != ""; i.since < cutoff]
	recent := [i.evidence | some i in items; not longer(i.since, cutoff)]
}

longer(t, cutoff) if {
	t != ""
	t < cutoff
}

# since(t) says for how long something has failed.
since(t) := sprintf("since %v, %v", [t, duration(t)]) if {
	is_string(t)
	t != ""
} else := "since an unrecorded time"

duration(t) := sprintf("%v ago", [lib.plural(floor((time.now_ns() - time.parse_rfc3339_ns(t)) / 3600000000000), "hour")]) if {
	time.now_ns() - time.parse_rfc3339_ns(t) < 172800000000000
} else := sprintf("%v ago", [lib.plural(lib.days_ago(t), "day")])

# collector_failures has one warning per collector of this audit that
# failed in this run.
collector_failures := [lib.evidence(sprintf("collector:%v", [object.get(e, "collector", "unknown")]), sprintf("collector %v failed in this run (%v): %v", [object.get(e, "collector", "unknown"), object.get(e, "kind", "unknown"), object.get(e, "message", "no message")]), "collector_errors") |
	some e in input.collector_errors
]

# unknown has one item per list the collector could not know (null in
# the facts): nothing failing among what was seen is then no pass.
unknown := array.concat(
	[lib.evidence("services", "failed systemd units could not be known (the journal could not be read, or does not cover the current boot)", "services.failed_units") |
		input.facts.services.failed_units == null
	],
	[lib.evidence("services", "failing cron jobs could not be known (cron jobs are set up but their failures are not logged, or no log could be read)", "services.failed_cron") |
		input.facts.services.failed_cron == null
	],
)

summary := lib.evidence("services", sprintf("no failed systemd unit or timer%v and no failing cron job", [systemd_note]), "services")

systemd_note := "" if {
	input.facts.services.systemd == true
} else := " (not a systemd host)"
