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
	r.evidence == [{"subject": "backups", "detail": "2 backup jobs, all succeeded within 7 days (latest 2026-08-31T01:32:10Z)", "fact": "backups.jobs"}]
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
