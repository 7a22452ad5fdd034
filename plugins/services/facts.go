package services

import "time"

// Namespace is where the service facts appear in the facts document.
const Namespace = "services"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "services" namespace: scheduled jobs and services that are
// failing, and since when. Every timestamp is UTC.
type Facts struct {
	// Systemd is true when systemd is the init system, so failed units can
	// be listed.
	Systemd bool `json:"systemd"`
	// FailedUnits are the systemd units in the failed state, timers and
	// the services they start included; empty when none, and null when
	// they cannot be known (a systemd host whose journal could not be
	// read, or does not cover the current boot).
	FailedUnits []FailedUnit `json:"failed_units"`
	// FailedCron are the cron jobs whose latest runs failed, from the cron
	// logs; empty when none, and null when they cannot be known (cron
	// jobs are set up but cron does not log their failures, no log could
	// be read, or the logs read hold no cron run; or a crontab could not
	// be read and no run is logged).
	FailedCron []CronFailure `json:"failed_cron"`
	// Sources are the logs the facts were read from: journal directories
	// and text log files, as host paths; absent when none was read.
	Sources []string `json:"sources,omitempty"`
}

// FailedUnit is one systemd unit in the failed state.
type FailedUnit struct {
	// Unit is the unit name, e.g. "backup-db.service".
	Unit string `json:"unit"`
	// Type is the unit type: "service", "timer", "mount", "socket", ...
	Type string `json:"type"`
	// Since is when it entered the failed state: the first failure of
	// the current run of failures with no success in between.
	Since time.Time `json:"since"`
	// Result is systemd's Result for it: "exit-code", "signal",
	// "timeout", "core-dump", "start-limit-hit", ...
	Result string `json:"result"`
}

// CronFailure is one cron job whose latest runs failed.
type CronFailure struct {
	// Job identifies the job as "<crontab file>:<line>", e.g.
	// "/etc/cron.d/reports:4", or as "cron:<command>" when the logged
	// command matches no crontab line ("cron:(unknown command)" when
	// the log names no command).
	Job string `json:"job"`
	// User is the user the job runs as ("" when unknown).
	User string `json:"user"`
	// Command is the command line as written in the crontab (as logged
	// when no crontab line matches).
	Command string `json:"command"`
	// FailingSince is the time of the first failure in the current run of
	// consecutive failures.
	FailingSince time.Time `json:"failing_since"`
	// LastFailure is the time of the latest failure.
	LastFailure time.Time `json:"last_failure"`
	// Failures is how many consecutive runs failed.
	Failures int `json:"failures"`
	// Log is the log file the failures were read from.
	Log string `json:"log"`
}
