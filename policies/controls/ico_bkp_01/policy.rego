# METADATA
# title: Backups are current
# description: >-
#   The host has at least one backup job (restic, borg, rsnapshot, a
#   backup timer or a declared job), and every job found has succeeded
#   within the maximum backup age (7 days by default). No job at all, or a
#   job without a recent success, is a failure. A job whose runs could not
#   all be read (a log or configuration cut short, a corrupt journal) is
#   not assessed unless another job already fails. OS housekeeping units named
#   for backups (Debian's dpkg-db-backup.timer) are not jobs; the evidence
#   names them, and why each counted job was counted.
# custom:
#   id: ICO-BKP-01
#   area: RMS
#   severity: high
#   requires:
#     facts: [backups]
#   reads:
#     org: [thresholds]
#   mappings:
#     cis_v8: ["11.2"]
#     iso27001: ["8.13"]
#   remediation: >-
#     Set up an automated backup of the host's data (restic or borg to an
#     off-host repository, on a timer), or fix the failing job named in the
#     evidence and run it now. Alert on backup failures so that a stale
#     backup is noticed within days. Retire jobs that are no longer used
#     so they do not hide the live ones.
package auditfleet.controls.ico_bkp_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "fail", "evidence": array.concat([no_job], not_counted)} if {
	count(jobs) == 0
} else := {"status": "fail", "evidence": stale} if {
	count(stale) > 0
} else := {"status": "not_assessed", "evidence": unread} if {
	count(unread) > 0
} else := {"status": "pass", "evidence": array.concat([summary], counted)}

jobs := j if {
	j := input.facts.backups.jobs
	is_array(j)
} else := []

max_age := lib.thresholds.backup_max_age_days

# counted says why each job was counted (reports of older agents give no
# reason).
counted := [lib.evidence(
	object.get(j, "id", "unnamed job"),
	sprintf("counted as a backup job: %v", [object.get(j, "reason", "no reason recorded")]),
	sprintf("backups.jobs[%v].reason", [object.get(j, "id", "")]),
) |
	some j in jobs
]

# not_counted names the units whose names say backup but that are OS
# housekeeping, not backups of the host's data.
not_counted := [lib.evidence(
	object.get(u, "id", "unnamed unit"),
	sprintf("enabled, but not counted as a data backup: %v", [object.get(u, "reason", "no reason recorded")]),
	"backups.not_counted",
) |
	some u in units
]

units := u if {
	u := input.facts.backups.not_counted
	is_array(u)
} else := []

# unread has one evidence item per source of a job's runs that could not
# be read in full: runs recorded there are lost, so when the job last
# succeeded is unknown.
unread := [lib.evidence(
	object.get(j, "id", "unnamed job"),
	sprintf("not read in full, so when this job last succeeded is unknown: %v", [why]),
	sprintf("backups.jobs[%v].unread", [object.get(j, "id", "")]),
) |
	some j in jobs
	some why in object.get(j, "unread", [])
]

# stale has one evidence item per job read in full whose last success is
# older than the maximum age, or that never succeeded. UTC timestamps
# compare as strings (see lib.ts_days_ago); a null last success is not a
# string and fails the test.
stale := [lib.evidence(
	object.get(j, "id", "unnamed job"),
	stale_wording(j),
	sprintf("backups.jobs[%v].last_success", [object.get(j, "id", "")]),
) |
	some j in jobs
	count(object.get(j, "unread", [])) == 0
	not recent(object.get(j, "last_success", null), cutoff)
] if {
	cutoff := lib.ts_days_ago(max_age)
}

recent(t, cutoff) if {
	is_string(t)
	t >= cutoff
}

stale_wording(j) := sprintf("last successful backup %v days ago, on %v; %v; backups must succeed every %v", [
	lib.days_ago(j.last_success),
	substring(j.last_success, 0, 10),
	last_run(j),
	lib.plural(max_age, "day"),
]) if {
	is_string(j.last_success)
} else := sprintf(
	"no successful backup found; %v; backups must succeed every %v",
	[last_run(j), lib.plural(max_age, "day")],
)

last_run(j) := sprintf("last run %v: %v", [substring(j.last_run, 0, 10), object.get(j, "last_result", "unknown")]) if {
	is_string(j.last_run)
} else := "last run unknown"

no_job := {
	"subject": "backups",
	"detail": concat(" ", [
		"no backup job found (restic, borg, rsnapshot, backup timers or declared",
		"jobs), so this host's data is not backed up",
	]),
	"fact": "backups.jobs",
}

summary := lib.evidence(
	"backups", sprintf("%v, all succeeded within %v (latest %v)", [
		lib.plural(count(jobs), "backup job"),
		lib.plural(max_age, "day"),
		max({j.last_success | some j in jobs; is_string(j.last_success)}),
	]),
	"backups.jobs",
)
