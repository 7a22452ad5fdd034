// Package logging is the "logging" collector and its facts namespace, the
// contract with the ICO-LOG-01 and ICO-LOG-02 policies (audit logging on
// and retained; DPA 2018 s.62 operation logging). Its JSON Schema is
// schemas/logging.schema.json; cmd/ is the plugin binary.
//
// Everything is read through the host root:
//   - auditd: /etc/audit/auditd.conf (write_logs, log_file, max_log_file,
//     num_logs, max_log_file_action, with auditd's defaults), the rules in
//     /etc/audit/audit.rules or else /etc/audit/rules.d/*.rules, and the
//     oldest record's time from the head of the highest-numbered rotated
//     log file;
//   - journald: journald.conf and journald.conf.d drop-ins (Storage=,
//     MaxRetentionSec=, SystemMaxUse=), whether /var/log/journal exists,
//     and the oldest entry from the archived journal files' names (the
//     journal format itself is not parsed; with only an active file the
//     oldest entry is null);
//   - forwarding: rsyslog ("@"/"@@", ":omrelp:", action(type="omfwd"/
//     "omrelp")), systemd-journal-upload URL= and audisp-remote; counted
//     only when the daemon's unit is enabled (audisp-remote: its plugin is
//     active), otherwise a warning;
//   - time sync: chrony, systemd-timesyncd or ntpd, by their files and
//     enabled units; systemd-timesyncd's /run/systemd/timesync/synchronized
//     sets synchronised to true, which otherwise stays null (unknown).
//
// Enabled units are the entries of the *.wants directories under
// /etc/systemd/system, /usr/lib/systemd/system and /lib/systemd/system.
// Running daemons are the command names in the host root's /proc
// (/proc/<pid>/comm), or, on the live host (root "/") when that cannot be
// read, the process table gopsutil gives. A daemon not installed (no
// binary, unit or configuration under the root) is known not running. An
// installed one under a root without a process table (a copied or
// offline root) is unknown: running is null, with a warning, never
// guessed. running_reason says which of these holds.
//
// # Options
//
//	{"app_logs": [{
//	  "id": "case-db",                         // required, unique
//	  "path": "/var/log/casedb/audit.jsonl",   // required, absolute, a file
//	  "format": "jsonl",                       // jsonl (default); csv, syslog: declared but not read yet
//	  "fields": {"operation": "op", "time": "ts", "user": "actor",
//	             "justification": "reason", "recipient": "to"},
//	  "operations": {"ACCESS_RECORD": "consultation"},
//	  "max_lines": 100000                      // newest lines examined, 1..10000000
//	}]}
//
// Field names default to operation, time, user, justification and
// recipient, and may be dotted paths into nested objects ("actor.id").
// A time is an RFC 3339 string or epoch seconds (milliseconds above
// 1e11). Operation values are matched without regard to case against
// the six s.62 names themselves and these defaults, which "operations"
// adds to and overrides: create, insert, collect → collection; update,
// modify, edit, alter → alteration; read, view, access, consult, search
// → consultation; disclose, transfer, share, export → disclosure;
// combine, merge, link → combination; delete, erase, purge → erasure.
//
// At most the last 64 MiB of a log are read. Lines that are not JSON
// objects, operations that map to nothing and unparseable times are
// counted and warned about; a log with lines but none parseable, a
// missing file or an unread format is reported readable: false. Invalid
// declarations are left out with a warning.
//
// auditd's and journald's sources that are there but cannot be read in
// full (a configuration file unreadable, a link to nothing, binary or
// cut short; an audit log file without an audit record; a system journal
// file without a journal header; a running daemon's current log file
// missing) are listed in their unread, and ICO-LOG-01 is not assessed on
// the daemons that keep the logs unless what was read already fails.
package logging
