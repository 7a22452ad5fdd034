# METADATA
# title: Audit logging on and retained
# description: >-
#   The host keeps audit logs and keeps them long enough: auditd or
#   journald is running, at least one of them writes to disk (auditd with
#   write_logs, or a persistent journal), and logs go back at least the
#   retention period (90 days) or are forwarded to another machine. A
#   journal configured to discard entries sooner (MaxRetentionSec), with
#   nothing else keeping them, fails too. A clock that is not kept in
#   sync gives a warning, as log times cannot then be trusted. A daemon
#   not installed is not running; whether an installed one runs is unknown
#   without a process table, and the evidence gives the collector's reason.
#   A source of a daemon keeping the logs that could not be read in full
#   (its configuration, audit logs or journal files) leaves the control
#   not assessed, unless what was read already fails.
# custom:
#   id: ICO-LOG-01
#   area: BRM
#   severity: high
#   requires:
#     facts: [logging]
#   reads:
#     org: [thresholds]
#   mappings:
#     cis_v8: ["8.2", "8.10"]
#     iso27001: ["8.15", "8.17"]
#   remediation: >-
#     Run auditd (with write_logs = yes) or make the journal persistent
#     (Storage=persistent in journald.conf), size rotation so that at least
#     90 days are kept (auditd num_logs and max_log_file, journald
#     SystemMaxUse, no MaxRetentionSec below 90 days), and forward logs to
#     the central log service. Run chrony or systemd-timesyncd so that log
#     times are accurate.
package auditfleet.controls.ico_log_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "not_assessed", "evidence": [cannot_tell]} if {
	not auditd_writing
	not journald_running
	running_unknown
} else := {"status": "fail", "evidence": [off]} if {
	not auditd_writing
	not journald_running
} else := {"status": "fail", "evidence": [not_persistent]} if {
	not auditd_writing
	not journald_persistent
} else := {"status": "fail", "evidence": array.concat(retention.fail, clock)} if {
	count(retention.fail) > 0
} else := {"status": "not_assessed", "evidence": unread} if {
	count(unread) > 0
} else := {"status": "not_assessed", "evidence": array.concat(retention.unknown, clock)} if {
	count(retention.unknown) > 0
} else := {"status": "warn", "evidence": array.concat(clock, retention.ok)} if {
	count(clock) > 0
} else := {"status": "pass", "evidence": retention.ok}

logging := input.facts.logging

auditd_writing if {
	logging.auditd.running == true
	logging.auditd.write_logs == true
}

journald_running if logging.journald.running == true

# running_unknown holds when the collector could not tell whether auditd
# or journald runs (no process table under the host root): unknown is
# never taken as off.
running_unknown if logging.auditd.running == null

running_unknown if logging.journald.running == null

journald_persistent if {
	journald_running
	logging.journald.persistent == true
}

forwarded if count(logging.forwarding) > 0

retention_days := lib.thresholds.log_retention_days

# retention judges how far back the persistent logs go: the oldest entry
# of auditd's log or the persistent journal, whichever is older. Forwarding
# to another machine keeps the logs there, so a short local history is
# then no failure.
retention := {"fail": retention_fail, "unknown": retention_unknown, "ok": retention_ok}

# oldest is [the oldest entry of the persistent logs], [] when unknown.
oldest := [min(entries) | count(entries) > 0] if {
	entries := {t |
		some source in sources
		t := logging[source].oldest_entry
		is_string(t)
	}
}

# discards says when the journal, the only persistent log, is set to
# discard entries before the retention period.
discards := [sprintf(
	"journald keeps entries for %v only (MaxRetentionSec)",
	[lib.plural(floor(logging.journald.max_retention_sec / 86400), "day")],
) |
	sources == {"journald"}
	logging.journald.max_retention_sec > 0
	logging.journald.max_retention_sec < retention_days * 86400
]

# short says when the oldest entry is younger than the retention period.
short := [sprintf(
	"the oldest log entry is from %v, %v days ago",
	[substring(o, 0, 10), lib.days_ago(o)],
) |
	some o in oldest
	o > lib.ts_days_ago(retention_days)
]

retention_problems := array.concat(discards, short)

retention_fail := [{
	"subject": "retention",
	"detail": sprintf(
		"%v: under the %v to be kept, and logs are not forwarded to another machine",
		[concat("; ", retention_problems), lib.plural(retention_days, "day")],
	),
	"fact": "logging",
} |
	count(retention_problems) > 0
	not forwarded
]

retention_unknown := [{
	"subject": "retention",
	"detail": concat(" ", [
		"the oldest log entry could not be read, so how long logs are kept is",
		"unknown, and logs are not forwarded to another machine",
	]),
	"fact": "logging",
} |
	count(oldest) == 0
	count(retention_problems) == 0
	not forwarded
]

retention_ok := [{
	"subject": "logging",
	"detail": sprintf(
		"logs written to disk by %v; %v; %v",
		[concat(" and ", sort(sources)), kept_wording(oldest, discards), forwarding_wording],
	),
	"fact": "logging",
} |
	count(retention_fail) + count(retention_unknown) == 0
]

# sources are the logs written to disk.
sources := {"auditd" | auditd_writing} | {"journald" | journald_persistent}

# unread has one evidence item per source of a daemon the logs are kept
# by that is there but could not be read in full: its settings or how
# far back its logs go are then unknown.
unread := [lib.evidence(
	daemon,
	sprintf("not read in full, so what %v keeps is unknown: %v", [daemon, why]),
	sprintf("logging.%v.unread", [daemon]),
) |
	some daemon in ["auditd", "journald"]
	daemon in kept_by
	some why in object.get(logging[daemon], "unread", [])
]

# kept_by are the daemons running that could keep logs on disk.
kept_by := {"auditd" | auditd_writing} | {"journald" | journald_running}

# kept_wording(oldest, notes) says how far back the logs go; oldest is
# [] when unknown, else [timestamp].
kept_wording(oldest, notes) := concat("; ", array.concat([since(oldest)], notes))

since(oldest) := sprintf("kept since %v (%v days)", [substring(oldest[0], 0, 10), lib.days_ago(oldest[0])]) if {
	count(oldest) > 0
} else := "how far back they go is unknown"

forwarding_wording := sprintf("forwarded to %v", [concat(", ", sort({f.target | some f in logging.forwarding}))]) if {
	forwarded
} else := "not forwarded"

# clock warns when time is not kept in sync.
clock := [{"subject": "time-sync", "detail": detail, "fact": "logging.time_sync"} |
	detail := clock_problem
]

clock_problem := concat(" ", [
	"no time synchronisation daemon (chrony, systemd-timesyncd, ntpd) is",
	"installed, so log times cannot be trusted",
]) if {
	object.get(logging, ["time_sync", "daemon"], "") == ""
} else := sprintf("%v is not running, so log times cannot be trusted", [logging.time_sync.daemon]) if {
	logging.time_sync.running == false
} else := sprintf(
	"whether %v is running cannot be told (no process table under the host root)",
	[logging.time_sync.daemon],
) if {
	logging.time_sync.running == null
} else := sprintf(
	"%v reports the clock is not synchronised, so log times cannot be trusted",
	[logging.time_sync.daemon],
) if {
	logging.time_sync.synchronised == false
}

cannot_tell := {
	"subject": "logging",
	"detail": sprintf("%v, so audit logging could not be assessed", [concat("; ", states)]),
	"fact": "logging",
}

off := {
	"subject": "logging",
	"detail": sprintf("no audit log is kept: %v", [concat("; ", states)]),
	"fact": "logging",
}

# states say, for auditd and journald, whether each runs and how that is
# known (the collector's running_reason; older agents give none).
states := [daemon_state(d) | some d in ["auditd", "journald"]]

daemon_state(d) := sprintf("%v, but it writes no logs (write_logs = no)", [logging[d].running_reason]) if {
	d == "auditd"
	logging.auditd.running == true
	logging.auditd.write_logs != true
	is_string(logging.auditd.running_reason)
} else := logging[d].running_reason if {
	is_string(logging[d].running_reason)
} else := sprintf("whether %v is running cannot be told (no process table under the host root)", [d]) if {
	logging[d].running == null
} else := sprintf("%v is not running", [d]) if {
	logging[d].running == false
} else := sprintf("%v is running but writes no logs", [d])

not_persistent := {
	"subject": "logging",
	"detail": concat(" ", [
		"journald keeps the journal in memory only (not persistent) and auditd is",
		"not writing logs, so logs are lost at every reboot",
	]),
	"fact": "logging.journald.persistent",
}
