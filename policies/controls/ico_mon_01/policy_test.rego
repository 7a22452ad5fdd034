package auditfleet.controls.ico_mon_01_test

import data.auditfleet.controls.ico_mon_01

# 2026-09-01T00:00:00Z
now := 1788220800000000000

unit(name, since) := {"unit": name, "type": "service", "since": since, "result": "exit-code"}

cron(job, since) := {
	"job": job, "user": "reports", "command": "/usr/local/bin/nightly-report",
	"failing_since": since, "last_failure": "2026-08-31T02:00:03Z", "failures": 4, "log": "/var/log/syslog",
}

services(units, crons) := {"systemd": true, "failed_units": units, "failed_cron": crons}

eval(facts, errors) := r if {
	r := ico_mon_01.result with input as {"facts": {"services": facts}, "collector_errors": errors} with data.org as {} with time.now_ns as now
}

crash := {"collector": "packages", "namespace": "packages", "kind": "crash", "message": "plugin exited: signal: segmentation fault"}

subjects(r) := [e.subject | some e in r.evidence]

test_nothing_failing_passes if {
	r := eval(services([], []), [])
	r.status == "pass"
	r.evidence == [{"subject": "services", "detail": "no failed systemd unit or timer and no failing cron job", "fact": "services"}]
	eval({"systemd": false, "failed_units": [], "failed_cron": []}, null).evidence[0].detail == "no failed systemd unit or timer (not a systemd host) and no failing cron job"
}

test_long_failure_fails if {
	r := eval(services([unit("backup-db.service", "2026-08-28T02:00:04Z"), unit("fwupd-refresh.service", "2026-08-31T18:00:00Z")], []), [])
	r.status == "fail"
	r.evidence == [
		{"subject": "backup-db.service", "detail": "service unit failed (exit-code) since 2026-08-28T02:00:04Z, 3 days ago", "fact": "services.failed_units[backup-db.service]"},
		{"subject": "fwupd-refresh.service", "detail": "service unit failed (exit-code) since 2026-08-31T18:00:00Z, 6 hours ago", "fact": "services.failed_units[fwupd-refresh.service]"},
	]
}

test_long_cron_failure_fails if {
	r := eval(services([], [cron("/etc/cron.d/reports:4", "2026-08-30T23:59:59Z")]), [])
	r.status == "fail"
	r.evidence[0] == {
		"subject": "/etc/cron.d/reports:4",
		"detail": "cron job /usr/local/bin/nightly-report (as reports) failed 4 times in a row, since 2026-08-30T23:59:59Z, 24 hours ago",
		"fact": "services.failed_cron[/etc/cron.d/reports:4]",
	}
}

test_recent_failure_warns if {
	# Exactly 24 hours is not over 24 hours.
	r := eval(services([unit("fwupd-refresh.service", "2026-08-31T00:00:00Z")], []), [])
	r.status == "warn"
	r.evidence[0].detail == "service unit failed (exit-code) since 2026-08-31T00:00:00Z, 24 hours ago"
}

test_unrecorded_since_warns if {
	r := eval(services([{"unit": "x.service", "type": "service", "result": "signal"}], []), [])
	r.status == "warn"
	r.evidence[0].detail == "service unit failed (signal) since an unrecorded time"
}

test_failure_hours_configurable if {
	facts := services([unit("fwupd-refresh.service", "2026-08-31T18:00:00Z")], [])
	ico_mon_01.result.status == "fail" with input as {"facts": {"services": facts}} with data.org as {"thresholds": {"failure_hours": 4}} with time.now_ns as now
}

test_collector_crash_warns if {
	r := eval(services([], []), [crash])
	r.status == "warn"
	r.evidence == [{
		"subject": "collector:packages",
		"detail": "collector packages failed in this run (crash): plugin exited: signal: segmentation fault",
		"fact": "collector_errors",
	}]
}

test_collector_crash_warns_without_services_facts if {
	r := ico_mon_01.result with input as {"facts": {}, "collector_errors": [crash]} with time.now_ns as now
	r.status == "warn"
	subjects(r) == ["collector:packages", "services"]
	r.evidence[1].detail == "no services facts in this report, so the control could not be assessed"
}

test_long_failure_wins_over_crash if {
	eval(services([unit("backup-db.service", "2026-08-01T00:00:00Z")], []), [crash]).status == "fail"
}

test_absent_facts_not_assessed if {
	ico_mon_01.result.status == "not_assessed" with input as {"facts": {}, "collector_errors": []}
}

test_collector_error if {
	inp := {"facts": {}, "collector_errors": [{"collector": "services", "namespace": "services", "kind": "timeout", "message": "killed"}]}
	ico_mon_01.result.status == "error" with input as inp
}

test_unknown_units_not_assessed if {
	r := eval({"systemd": true, "failed_units": null, "failed_cron": []}, [])
	r.status == "not_assessed"
	r.evidence == [{"subject": "services", "detail": "failed systemd units could not be known (the journal could not be read, or does not cover the current boot)", "fact": "services.failed_units"}]
}

test_unknown_cron_not_assessed if {
	r := eval({"systemd": false, "failed_units": [], "failed_cron": null}, [])
	r.status == "not_assessed"
	[e.fact | some e in r.evidence] == ["services.failed_cron"]
}

test_unknown_does_not_hide_known_failures if {
	eval({"systemd": true, "failed_units": null, "failed_cron": [cron("/etc/cron.d/reports:4", "2026-08-30T23:59:59Z")]}, []).status == "fail"
	eval({"systemd": true, "failed_units": [unit("fwupd-refresh.service", "2026-08-31T18:00:00Z")], "failed_cron": null}, []).status == "warn"
}
