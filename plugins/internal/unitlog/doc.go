// Package unitlog reads what the systemd service manager logged about its
// units: the system journal files under a host root (with the pure-Go
// reader of plugins/internal/journal) and, on hosts without a journal,
// syslog-format text logs. It classifies the service manager's own lines
// (PID 1) into unit outcomes: failures ("Failed with result", "Failed to
// start"), clean ends ("Deactivated successfully", "Succeeded") and
// completed start jobs ("Started", "Finished").
//
// Two levels are offered. Read finds and reads everything within a
// lookback window and byte budget, falling back to the text logs when the
// journal holds nothing of the window, and gives a Log whose Outcome says
// when each unit last ran well and last failed. The building blocks it is
// made of (FindJournals, ReadJournals, FindTextLogs, ReadTextLog,
// Classify, CurrentBoot, HostLocation) pass every line to a caller's
// function, for collectors that read other lines too (cron's) or decide
// the fallback themselves.
//
// Everything read is bounded: journal bytes over all files, entries and
// field sizes (see package journal), the number of journal files (256)
// and text logs (16), text log size (256 MiB) and line length (64 KiB).
// Problems are warnings, with what could be read kept.
package unitlog
