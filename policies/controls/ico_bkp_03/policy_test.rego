package auditfleet.controls.ico_bkp_03_test

import data.auditfleet.controls.ico_bkp_03

job(id, extra) := object.union(
	{
		"id": id, "tool": "restic", "source": "/etc/auditfleet/backups.yaml", "repository": "sftp:vault:/srv/restic/db-01",
		"last_success": "2026-08-31T01:32:10Z", "last_run": "2026-08-31T01:30:00Z", "last_result": "success",
		"encrypted": true, "off_host": true, "immutable": true,
	},
	extra,
)

eval(jobs) := r if {
	r := ico_bkp_03.result with input as {"facts": {"backups": {"jobs": jobs, "restore_tests": []}}, "collector_errors": []}
}

subjects(r) := [e.subject | some e in r.evidence]

test_protected_passes if {
	r := eval([job("restic:vault", {})])
	r.status == "pass"
	r.evidence == [{"subject": "restic:vault", "detail": "repository sftp:vault:/srv/restic/db-01: encrypted, off the host and immutable", "fact": "backups.jobs[restic:vault]"}]
}

test_missing_protection_fails if {
	local := job("rsnapshot:/etc/rsnapshot.conf", {"repository": "/backup/snapshots", "encrypted": false, "off_host": false, "immutable": null})
	r := eval([job("restic:vault", {}), local])
	r.status == "fail"
	r.evidence == [{
		"subject": "rsnapshot:/etc/rsnapshot.conf",
		"detail": "repository /backup/snapshots: not encrypted; kept on this host; whether it is immutable is unknown",
		"fact": "backups.jobs[rsnapshot:/etc/rsnapshot.conf]",
	}]
}

test_unknown_protection_not_assessed if {
	r := eval([job("restic:vault", {}), job("systemd:pg-dump.timer", {"repository": "", "encrypted": null, "off_host": null, "immutable": null})])
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "systemd:pg-dump.timer",
		"detail": "repository (location unknown): whether it is encrypted is unknown; whether it is off the host is unknown; whether it is immutable is unknown",
		"fact": "backups.jobs[systemd:pg-dump.timer]",
	}]
}

test_absent_property_is_unknown if {
	eval([json.remove(job("restic:vault", {}), ["immutable"])]).status == "not_assessed"
}

test_no_job_not_assessed if {
	r := eval([])
	r.status == "not_assessed"
	r.evidence[0].detail == "no backup job found, so there is no backup to protect (see ICO-BKP-01)"
}

test_unread_job_not_assessed if {
	cut := job("borg:casework", {"repository": "/srv/borg/encrypted", "unread": ["/srv/borg/encrypted/config: its key does not decode: cut short or damaged"]})
	r := eval([cut])
	r.status == "not_assessed"
	r.evidence[0].detail == concat("", [
		"repository /srv/borg/encrypted: not read in full, so whether it can be restored is unknown: ",
		"/srv/borg/encrypted/config: its key does not decode: cut short or damaged",
	])
}

test_unread_job_missing_protection_still_fails if {
	cut := job("borg:casework", {"encrypted": false, "unread": ["/srv/borg/encrypted/config: cut short"]})
	eval([cut]).status == "fail"
}
