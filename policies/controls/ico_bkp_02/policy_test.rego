package auditfleet.controls.ico_bkp_02_test

import data.auditfleet.controls.ico_bkp_02

# 2026-09-01T00:00:00Z
now := 1788220800000000000

record(id, at, result, checksum) := {
	"id": id, "job": "restic:vault", "performed_at": at, "result": result,
	"restored": "database casework", "checksum_match": checksum, "source": sprintf("/var/lib/auditfleet/restore-tests/%v", [id]),
}

eval(tests) := r if {
	r := ico_bkp_02.result with input as {"facts": {"backups": {"jobs": [], "restore_tests": tests}}, "collector_errors": []} with data.org as {} with time.now_ns as now
}

test_recent_pass_passes if {
	# 90 days before 2026-09-01 is 2026-06-03.
	r := eval([record("old.json", "2025-01-10T10:00:00Z", "pass", true), record("r.json", "2026-06-03T00:00:00Z", "pass", true)])
	r.status == "pass"
	r.evidence == [{
		"subject": "r.json",
		"detail": "restore test on 2026-06-03 passed: restored database casework; checksums matched",
		"fact": "backups.restore_tests[r.json]",
	}]
}

test_checksum_not_recorded_still_passes if {
	r := eval([record("r.json", "2026-08-01T00:00:00Z", "pass", null)])
	r.status == "pass"
	r.evidence[0].detail == "restore test on 2026-08-01 passed: restored database casework; checksums not recorded"
}

test_no_record_fails if {
	r := eval([])
	r.status == "fail"
	r.evidence == [{"subject": "restore-test", "detail": "no passing restore test within 90 days; no restore-test record found", "fact": "backups.restore_tests"}]
}

test_old_record_fails if {
	r := eval([record("old.json", "2026-06-02T23:59:59Z", "pass", true)])
	r.status == "fail"
	r.evidence == [{"subject": "restore-test", "detail": "no passing restore test within 90 days; the latest record is from 2026-06-02, 90 days ago", "fact": "backups.restore_tests"}]
}

test_recent_failure_fails if {
	r := eval([record("a.json", "2026-08-01T00:00:00Z", "fail", null), record("b.json", "2026-08-15T00:00:00Z", "pass", false)])
	r.status == "fail"
	[e.subject | some e in r.evidence] == ["restore-test", "a.json", "b.json"]
	r.evidence[1].detail == "restore test on 2026-08-01 failed: restored database casework"
	r.evidence[2].detail == "restore test on 2026-08-15 passed but the checksums did not match: restored database casework"
}

test_max_age_configurable if {
	inp := {"facts": {"backups": {"jobs": [], "restore_tests": [record("r.json", "2026-05-01T00:00:00Z", "pass", true)]}}}
	ico_bkp_02.result.status == "pass" with input as inp with data.org as {"thresholds": {"restore_test_max_age_days": 180}} with time.now_ns as now
	ico_bkp_02.result.status == "fail" with input as inp with data.org as {} with time.now_ns as now
}
