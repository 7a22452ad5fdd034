// Package services is the "services" collector and defines its facts
// namespace, the contract with the ICO-MON-01 policy (failures do not go
// unnoticed): the systemd units in the failed state and the cron jobs
// whose latest runs failed, each with since when.
//
// It reads, through the host root and without starting any process:
//
//   - the systemd journal: system.journal and its rotated system@*.journal
//     files under /var/log/journal/<machine-id>/ and
//     /run/log/journal/<machine-id>/ (user journals are not read), with
//     plugins/internal/unitlog (shared with the backups collector) and
//     the bounded pure-Go reader of plugins/internal/journal. Only entries
//     of the lookback window are decoded. Of the service manager's own
//     entries (_PID=1) it uses the catalog messages: "Failed with result"
//     (UNIT_RESULT), "Failed to start" (JOB_RESULT=failed) as failures;
//     "Deactivated successfully" and "Started"/"Finished" (JOB_RESULT=done)
//     as successes. A unit is failed when its latest outcome is a failure
//     logged in the current boot (the ID in
//     /proc/sys/kernel/random/boot_id, else the boot of the newest entry);
//     Since is the first failure of its current run of failures, which may
//     have begun before the reboot; Result is the last UNIT_RESULT of the
//     run ("unknown" when none was logged). A timer-started service that
//     fails is reported as the service. Cron's lines (SYSLOG_IDENTIFIER
//     CRON or CROND) are read from the journal too.
//   - without journal entries in the lookback window, the syslog-format
//     text logs /var/log/syslog, daemon.log, messages, cron.log and cron,
//     each with its ".1" rotation, for the same messages in text
//     ("<unit>: Failed with result '<result>'.", "<unit>: Deactivated
//     successfully.", "<unit>: Succeeded.", "Started/Finished <unit> -
//     ..."); lines before the service manager's last start-up line
//     ("systemd N running in system mode") belong to earlier boots. Traditional timestamps carry
//     no year and no zone: they are read in the zone of /etc/localtime
//     (UTC without one), in the year that puts them no later than a day
//     after the file's modification time. RFC 3339 timestamps are read as
//     written.
//   - the crontabs: /etc/crontab, /etc/cron.d/*, /var/spool/cron/crontabs/*
//     (Debian) and /var/spool/cron/* (cronie), and /etc/default/cron.
//
// Cron failures come from Debian's cron, which logs a job's start as
// "CRON[pid]: (user) CMD (command)" from the job's own process and, with
// -L 4 set (e.g. EXTRA_OPTS="-L 15" in /etc/default/cron; the default -L 1
// logs starts only), its failure as "(CRON) error (grandchild #pid failed
// with exit status N)", which names that process. A job is failing when
// its latest logged run failed; Failures counts the consecutive failed
// runs back to the last success. It is matched by user and command to
// its crontab line, Job "<crontab file>:<line>"; a logged command that
// matches no line is "cron:<command>", and failures whose start is not
// in the logs are grouped as "cron:(unknown command)". cronie logs no
// exit statuses.
//
// Unknown is never empty: FailedUnits is null on a systemd host whose
// journal cannot be read (and whose text logs hold no service manager
// lines), or does not cover the current boot; FailedCron is null when
// cron jobs are set up but no log could be read, or cron does not log
// failures (no -L 4 and no failure seen). ICO-MON-01 then reports
// not_assessed unless something known fails. Systemd is true when
// /run/systemd/system exists (on the live root, the only test), when
// /sbin/init resolves to systemd (a host mounted without its /run), or
// when journal files exist. Sources lists the journal directories or
// text logs read.
// On a host with none of systemd, crontabs and text logs the collector
// answers not applicable (sdk.ErrNotApplicable).
//
// Everything read is bounded: journal bytes over all files
// (journal_max_mb), entries and field sizes (see package journal), text
// log size (256 MiB) and line length (64 KiB), and the number of files.
// Corrupt, truncated or unreadable files give warnings, with what could
// be read kept. Options (all optional):
//
//	{"lookback_days": 14,          // days of logs read, 1 to 366
//	 "journal_max_mb": 1024,       // journal bytes read in all, 1 to 65536
//	 "extra_logs": ["/var/log/jobs.log"]} // more syslog-format logs, always read
//
// Invalid options are warnings, never failures.
//
// Its JSON Schema is schemas/services.schema.json.
package services
