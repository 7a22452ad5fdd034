# METADATA
# title: Backups protected and isolated
# description: >-
#   Every backup job's repository is encrypted, off the host, and immutable
#   (append-only, object-locked or versioned, so that an attacker on the
#   host cannot alter or delete the backups). Any of the three known to be
#   missing is a failure; any unknown, or a job whose sources were not
#   read in full (a borg config with its key cut short), is not assessed.
#   A host with no backup job is not assessed here (ICO-BKP-01 fails it).
# custom:
#   id: ICO-BKP-03
#   area: RMS
#   severity: medium
#   requires:
#     facts: [backups]
#   mappings:
#     cis_v8: ["11.3", "11.4"]
#     iso27001: ["8.13"]
#   remediation: >-
#     Encrypt backup repositories (restic always encrypts; create borg
#     repositories with encryption), write them to another machine or
#     provider, and make them immutable from the host: an append-only
#     repository (borg append-only, restic rest-server --append-only) or
#     object storage with object lock or versioning. Keep the keys to
#     delete backups off the host.
package auditfleet.controls.ico_bkp_03

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "not_assessed", "evidence": [no_job]} if {
	count(jobs) == 0
} else := {"status": "fail", "evidence": [e | some a in assessed; a.level == "fail"; e := a.evidence]} if {
	some a in assessed
	a.level == "fail"
} else := {"status": "not_assessed", "evidence": [e | some a in assessed; a.level == "unknown"; e := a.evidence]} if {
	some a in assessed
	a.level == "unknown"
} else := {"status": "pass", "evidence": [a.evidence | some a in assessed]}

jobs := j if {
	j := input.facts.backups.jobs
	is_array(j)
} else := []

# properties are the protections checked, each with its wording when
# missing and when unknown.
properties := [
	{
		"key": "encrypted",
		"missing": "not encrypted",
		"unknown": "whether it is encrypted is unknown",
		"present": "encrypted",
	},
	{
		"key": "off_host",
		"missing": "kept on this host",
		"unknown": "whether it is off the host is unknown",
		"present": "off the host",
	},
	{
		"key": "immutable",
		"missing": "can be altered or deleted from this host",
		"unknown": "whether it is immutable is unknown",
		"present": "immutable",
	},
]

# assessed has one entry per job: level "fail" when a protection is
# known to be missing, "unknown" when one is unknown, else "ok"; and one
# evidence item saying which.
assessed := [{
	"level": level,
	"evidence": lib.evidence(
		object.get(j, "id", "unnamed job"),
		detail,
		sprintf("backups.jobs[%v]", [object.get(j, "id", "")]),
	),
} |
	some j in jobs
	missing := [p.missing | some p in properties; object.get(j, p.key, null) == false]
	unknown := array.concat(
		[p.unknown | some p in properties; not object.get(j, p.key, null) in {true, false}],
		[unread_wording(why) | some why in object.get(j, "unread", [])],
	)
	level := job_level(count(missing), count(unknown))
	detail := job_wording(j, missing, unknown)
]

# unread_wording says why a job whose sources were not read in full is
# not known to be restorable (a borg config with its key cut short).
unread_wording(why) := sprintf("not read in full, so whether it can be restored is unknown: %v", [why])

job_level(missing, unknown) := "fail" if {
	missing > 0
} else := "unknown" if {
	unknown > 0
} else := "ok"

job_wording(j, missing, unknown) := sprintf(
	"repository %v: %v",
	[where(j), concat("; ", array.concat(missing, unknown))],
) if {
	count(missing) + count(unknown) > 0
} else := sprintf("repository %v: encrypted, off the host and immutable", [where(j)])

where(j) := j.repository if {
	is_string(j.repository)
	j.repository != ""
} else := "(location unknown)"

no_job := {
	"subject": "backups",
	"detail": "no backup job found, so there is no backup to protect (see ICO-BKP-01)",
	"fact": "backups.jobs",
}
