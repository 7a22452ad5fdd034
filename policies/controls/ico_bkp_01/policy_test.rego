package auditfleet.controls.ico_bkp_01_test

import data.auditfleet.controls.ico_bkp_01

# 2026-09-01T00:00:00Z
now := 1788220800000000000

job(id, success) := {
	"id": id, "tool": "restic", "source": "/etc/auditfleet/backups.yaml", "repository": "sftp:vault:/srv/restic/db-01",
	"last_success": success, "last_run": "2026-08-31T01:30:00Z", "last_result": "success",
	"encrypted": true, "off_host": true, "immutable": true,
}

eval(jobs) := r if {
	r := ico_bkp_01.result with input as {"facts": {"backups": {"jobs": jobs, "restore_tests": []}}, "collector_errors": []} with data.org as {} with time.now_ns as now
}

subjects(r) := [e.subject | some e in r.evidence]

test_current_backups_pass if {
	# Exactly 7 days old is still within 7 days.
	r := eval([job("restic:vault", "2026-08-31T01:32:10Z"), job("systemd:pg-dump.timer", "2026-08-25T00:00:00Z")])
	r.status == "pass"
	r.evidence[0] == {
		"subject": "backups",
		"detail": "2 backup jobs, all succeeded within 7 days (latest 2026-08-31T01:32:10Z)",
		"fact": "backups.jobs",
	}
	subjects(r) == ["backups", "restic:vault", "systemd:pg-dump.timer"]
}

test_pass_says_why_each_job_counts if {
	declared := object.union(job("restic:data", "2026-08-31T01:32:10Z"), {"reason": "declared in options (restic repository)"})
	r := eval([declared, {"id": "declared:old", "last_success": "2026-08-31T00:00:00Z"}])
	r.status == "pass"
	r.evidence[1] == {
		"subject": "restic:data",
		"detail": "counted as a backup job: declared in options (restic repository)",
		"fact": "backups.jobs[restic:data].reason",
	}
	r.evidence[2].detail == "counted as a backup job: no reason recorded"
}

test_housekeeping_only_fails if {
	dpkg := {
		"id": "systemd:dpkg-db-backup.timer",
		"source": "/etc/systemd/system/timers.target.wants/dpkg-db-backup.timer",
		"reason": "OS housekeeping: Debian's daily copy of dpkg's own package database",
	}
	facts := {"backups": {"jobs": [], "restore_tests": [], "not_counted": [dpkg, {"id": "systemd:x.timer"}]}}
	r := ico_bkp_01.result with input as {"facts": facts} with data.org as {} with time.now_ns as now
	r.status == "fail"
	r.evidence[0].fact == "backups.jobs"
	r.evidence[1] == {
		"subject": "systemd:dpkg-db-backup.timer",
		"detail": "enabled, but not counted as a data backup: OS housekeeping: Debian's daily copy of dpkg's own package database",
		"fact": "backups.not_counted",
	}
	r.evidence[2].detail == "enabled, but not counted as a data backup: no reason recorded"
}

test_malformed_not_counted_ignored if {
	facts := {"backups": {"jobs": [], "restore_tests": [], "not_counted": "dpkg"}}
	r := ico_bkp_01.result with input as {"facts": facts} with data.org as {} with time.now_ns as now
	r.status == "fail"
	count(r.evidence) == 1
}

test_no_job_fails if {
	r := eval([])
	r.status == "fail"
	r.evidence == [{
		"subject": "backups",
		"detail": "no backup job found (restic, borg, rsnapshot, backup timers or declared jobs), so this host's data is not backed up",
		"fact": "backups.jobs",
	}]
}

test_stale_job_fails if {
	stale := object.union(job("systemd:pg-dump.timer", "2026-08-20T00:15:00Z"), {"last_run": "2026-08-31T00:15:00Z", "last_result": "failure"})
	r := eval([job("restic:vault", "2026-08-31T01:32:10Z"), stale])
	r.status == "fail"
	r.evidence == [{
		"subject": "systemd:pg-dump.timer",
		"detail": "last successful backup 11 days ago, on 2026-08-20; last run 2026-08-31: failure; backups must succeed every 7 days",
		"fact": "backups.jobs[systemd:pg-dump.timer].last_success",
	}]
}

test_never_succeeded_fails if {
	never := object.union(job("borg:ssh://vault/./db", null), {"last_run": null, "last_result": "unknown"})
	r := eval([never, {"id": "declared:x"}])
	r.status == "fail"
	r.evidence[0].detail == "no successful backup found; last run unknown; backups must succeed every 7 days"
	subjects(r) == ["borg:ssh://vault/./db", "declared:x"]
}

test_max_age_configurable if {
	jobs := [job("restic:vault", "2026-08-28T00:00:00Z")]
	facts := {"facts": {"backups": {"jobs": jobs, "restore_tests": []}}}
	ico_bkp_01.result.status == "fail" with input as facts with data.org as {"thresholds": {"backup_max_age_days": 1}} with time.now_ns as now
	ico_bkp_01.result.status == "pass" with input as facts with data.org as {"thresholds": {"backup_max_age_days": 7}} with time.now_ns as now
}

test_job_with_unread_source_not_assessed if {
	cut := object.union(job("rsnapshot:/etc/rsnapshot.conf", "2026-08-31T01:32:10Z"), {"unread": ["/var/log/rsnapshot.log: cut short"]})
	r := eval([job("restic:vault", "2026-08-31T01:32:10Z"), cut])
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "rsnapshot:/etc/rsnapshot.conf",
		"detail": "not read in full, so when this job last succeeded is unknown: /var/log/rsnapshot.log: cut short",
		"fact": "backups.jobs[rsnapshot:/etc/rsnapshot.conf].unread",
	}]
}

test_unread_job_is_not_called_stale if {
	# The runs lost may hold a recent success.
	cut := object.union(job("systemd:db-backup.timer", null), {"unread": ["/var/log/journal/x/system.journal: not read in full"]})
	r := eval([cut])
	r.status == "not_assessed"
}

test_stale_job_read_in_full_fails_beside_an_unread_one if {
	cut := object.union(job("systemd:db-backup.timer", null), {"unread": ["/var/log/journal/x/system.journal: not read in full"]})
	r := eval([cut, job("restic:vault", "2026-07-01T00:00:00Z")])
	r.status == "fail"
	subjects(r) == ["restic:vault"]
}
