package auditfleet.controls.ico_log_01_test

import data.auditfleet.controls.ico_log_01

# 2026-09-01T00:00:00Z
now := 1788220800000000000

auditd := {
	"installed": true, "running": true, "write_logs": true, "log_file": "/var/log/audit/audit.log", "max_log_file_mb": 50,
	"num_logs": 20, "max_log_file_action": "rotate", "rules": 42, "oldest_entry": "2026-04-02T00:00:07Z",
}

journald := {"running": true, "storage": "persistent", "persistent": true, "max_retention_sec": 0, "system_max_use_bytes": 0, "oldest_entry": "2026-03-01T00:00:03Z"}

forward := {"daemon": "rsyslog", "target": "tcp://logs.example.gov.uk:6514", "file": "/etc/rsyslog.d/90-forward.conf", "line": 3}

chrony := {"daemon": "chronyd", "running": true, "synchronised": true}

logging(a, j, f, t) := {"auditd": a, "journald": j, "forwarding": f, "time_sync": t, "app_logs": []}

eval(facts) := r if {
	r := ico_log_01.result with input as {"facts": {"logging": facts}, "collector_errors": []} with data.org as {} with time.now_ns as now
}

test_kept_and_forwarded_passes if {
	r := eval(logging(auditd, journald, [forward], chrony))
	r.status == "pass"
	r.evidence == [{
		"subject": "logging",
		"detail": "logs written to disk by auditd and journald; kept since 2026-03-01 (183 days); forwarded to tcp://logs.example.gov.uk:6514",
		"fact": "logging",
	}]
}

test_kept_locally_passes if {
	r := eval(logging(auditd, object.union(journald, {"persistent": false, "storage": "volatile"}), [], chrony))
	r.status == "pass"
	r.evidence[0].detail == "logs written to disk by auditd; kept since 2026-04-02 (151 days); not forwarded"
}

test_nothing_running_fails if {
	r := eval(logging(object.union(auditd, {"running": false}), object.union(journald, {"running": false}), [forward], chrony))
	r.status == "fail"
	r.evidence == [{"subject": "logging", "detail": "no audit log is kept: auditd is not running; journald is not running", "fact": "logging"}]
}

test_volatile_journal_fails if {
	r := eval(logging(object.union(auditd, {"installed": false, "running": false}), object.union(journald, {"storage": "volatile", "persistent": false}), [forward], chrony))
	r.status == "fail"
	r.evidence[0].fact == "logging.journald.persistent"
}

test_auditd_not_writing_counts_as_off if {
	r := eval(logging(object.union(auditd, {"write_logs": false}), object.union(journald, {"running": false}), [], chrony))
	r.status == "fail"
	r.evidence[0].detail == "no audit log is kept: auditd is running but writes no logs; journald is not running"
}

test_short_history_not_forwarded_fails if {
	recent := "2026-07-01T00:00:00Z"
	r := eval(logging(object.union(auditd, {"oldest_entry": recent}), object.union(journald, {"oldest_entry": "2026-07-15T00:00:00Z"}), [], chrony))
	r.status == "fail"
	r.evidence == [{
		"subject": "retention",
		"detail": "the oldest log entry is from 2026-07-01, 62 days ago: under the 90 days to be kept, and logs are not forwarded to another machine",
		"fact": "logging",
	}]
}

test_short_history_forwarded_passes if {
	r := eval(logging(object.union(auditd, {"oldest_entry": "2026-07-01T00:00:00Z"}), object.union(journald, {"persistent": false}), [forward], chrony))
	r.status == "pass"
	r.evidence[0].detail == "logs written to disk by auditd; kept since 2026-07-01 (62 days); forwarded to tcp://logs.example.gov.uk:6514"
}

test_journal_retention_setting_fails if {
	j := object.union(journald, {"max_retention_sec": 2592000})
	r := eval(logging(object.union(auditd, {"running": false}), j, [], chrony))
	r.status == "fail"
	r.evidence[0].detail == "journald keeps entries for 30 days only (MaxRetentionSec): under the 90 days to be kept, and logs are not forwarded to another machine"

	# auditd keeps its own logs, so the journal setting alone is no failure.
	eval(logging(auditd, j, [], chrony)).status == "pass"
}

test_retention_days_configurable if {
	facts := logging(object.union(auditd, {"oldest_entry": "2026-07-01T00:00:00Z"}), object.union(journald, {"persistent": false}), [], chrony)
	ico_log_01.result.status == "pass" with input as {"facts": {"logging": facts}} with data.org as {"thresholds": {"log_retention_days": 60}} with time.now_ns as now
}

test_unknown_history_not_assessed if {
	r := eval(logging(object.union(auditd, {"oldest_entry": null}), object.union(journald, {"oldest_entry": null}), [], chrony))
	r.status == "not_assessed"
	r.evidence[0].subject == "retention"

	# Forwarded: retention is kept elsewhere.
	f := eval(logging(object.union(auditd, {"oldest_entry": null}), object.union(journald, {"oldest_entry": null}), [forward], chrony))
	f.status == "pass"
	f.evidence[0].detail == "logs written to disk by auditd and journald; how far back they go is unknown; forwarded to tcp://logs.example.gov.uk:6514"
}

test_clock_not_synchronised_warns if {
	r := eval(logging(auditd, journald, [forward], object.union(chrony, {"synchronised": false})))
	r.status == "warn"
	r.evidence[0] == {"subject": "time-sync", "detail": "chronyd reports the clock is not synchronised, so log times cannot be trusted", "fact": "logging.time_sync"}
	eval(logging(auditd, journald, [forward], object.union(chrony, {"running": false}))).evidence[0].detail == "chronyd is not running, so log times cannot be trusted"
	eval(logging(auditd, journald, [forward], {"daemon": "", "running": false, "synchronised": null})).status == "warn"
	eval(logging(auditd, journald, [forward], object.union(chrony, {"synchronised": null}))).status == "pass"
}

test_unknown_running_not_assessed if {
	r := eval(logging(object.union(auditd, {"running": null}), object.union(journald, {"running": null}), [], object.union(chrony, {"running": null})))
	r.status == "not_assessed"
	r.evidence[0].detail == concat("; ", [
		"whether auditd is running cannot be told (no process table under the host root)",
		"whether journald is running cannot be told (no process table under the host root), so audit logging could not be assessed",
	])
}

test_unknown_journald_but_auditd_writing_is_assessed if {
	r := eval(logging(auditd, object.union(journald, {"running": null}), [forward], chrony))
	r.status == "pass"
}

test_unknown_clock_daemon_warns_honestly if {
	r := eval(logging(auditd, journald, [forward], object.union(chrony, {"running": null})))
	r.status == "warn"
	r.evidence[0].detail == "whether chronyd is running cannot be told (no process table under the host root)"
}

not_installed := {"installed": false, "running": false, "running_reason": "auditd is not installed (no auditd binary, unit or auditd.conf under the host root)"}

test_auditd_not_installed_is_known if {
	# auditd not installed on a host whose journald runs: assessed on journald.
	r := eval(logging(object.union(auditd, not_installed), object.union(journald, {"running_reason": "systemd-journald is running"}), [forward], chrony))
	r.status == "pass"
	r.evidence[0].detail == "logs written to disk by journald; kept since 2026-03-01 (183 days); forwarded to tcp://logs.example.gov.uk:6514"
}

test_auditd_not_installed_journald_off_fails_with_reasons if {
	j := object.union(journald, {"running": false, "running_reason": "systemd-journald is installed but not running"})
	r := eval(logging(object.union(auditd, not_installed), j, [], chrony))
	r.status == "fail"
	r.evidence[0].detail == concat("", [
		"no audit log is kept: auditd is not installed (no auditd binary, unit or auditd.conf under the host root); ",
		"systemd-journald is installed but not running",
	])
}

test_auditd_not_installed_journald_unknown_not_assessed if {
	j := object.union(journald, {"running": null, "running_reason": "no process table under the host root, so whether systemd-journald runs is unknown"})
	r := eval(logging(object.union(auditd, not_installed), j, [], chrony))
	r.status == "not_assessed"
	r.evidence[0].detail == concat("", [
		"auditd is not installed (no auditd binary, unit or auditd.conf under the host root); ",
		"no process table under the host root, so whether systemd-journald runs is unknown, ",
		"so audit logging could not be assessed",
	])
}

test_auditd_installed_without_process_table_not_assessed if {
	a := object.union(auditd, {"running": null, "running_reason": "no process table under the host root, so whether auditd runs is unknown"})
	j := object.union(journald, {"running": false, "running_reason": "systemd-journald is not installed"})
	r := eval(logging(a, j, [], chrony))
	r.status == "not_assessed"
	startswith(r.evidence[0].detail, "no process table under the host root, so whether auditd runs is unknown; ")
}

test_auditd_running_not_writing_with_reason if {
	a := object.union(auditd, {"write_logs": false, "running_reason": "auditd is running"})
	r := eval(logging(a, object.union(journald, {"running": false}), [], chrony))
	r.status == "fail"
	r.evidence[0].detail == "no audit log is kept: auditd is running, but it writes no logs (write_logs = no); journald is not running"
}

test_unread_source_of_a_keeping_daemon_not_assessed if {
	cut := object.union(journald, {"unread": ["/etc/systemd/journald.conf: a symbolic link to nothing"]})
	r := eval(logging(auditd, cut, [forward], chrony))
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "journald",
		"detail": "not read in full, so what journald keeps is unknown: /etc/systemd/journald.conf: a symbolic link to nothing",
		"fact": "logging.journald.unread",
	}]
}

test_unread_source_of_a_stopped_daemon_ignored if {
	# auditd is not running: what its files say keeps nothing.
	stopped := object.union(auditd, {"running": false, "unread": ["/etc/audit/auditd.conf: cut short"]})
	eval(logging(stopped, journald, [forward], chrony)).status == "pass"
}

test_unread_source_still_fails_on_short_history if {
	cut := object.union(auditd, {"oldest_entry": "2026-08-20T00:00:00Z", "unread": ["/var/log/audit/audit.log.1: not a regular file"]})
	eval(logging(cut, object.union(journald, {"running": false}), [], chrony)).status == "fail"
}
