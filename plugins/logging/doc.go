// Package logging defines the "logging" facts namespace, the contract
// between a future logging collector and the ICO-LOG-01 and ICO-LOG-02
// policies (audit logging on and retained; DPA 2018 s.62 operation
// logging).
//
// The collector is not implemented yet. It will read, through the host
// root: auditd's configuration, rules and log files (running, persistent,
// retention settings, oldest record); journald's configuration and journal
// directory (storage, retention, oldest entry); rsyslog, syslog-ng,
// journal-upload and audisp-remote configuration for forwarding; chrony,
// systemd-timesyncd or ntpd state for time synchronisation; and the
// application audit logs declared in its configuration, checked for the six
// s.62 operation types (collection, alteration, consultation, disclosure
// including transfers, combination, erasure) and for the required fields
// (time, user, justification, and the recipient of a disclosure).
//
// Its JSON Schema is schemas/logging.schema.json.
package logging
