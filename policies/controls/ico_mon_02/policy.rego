# METADATA
# title: Every in-scope host reports
# description: >-
#   Every enrolled host sends a report in every audit cycle: a host that
#   missed the given number of consecutive cycles (2 by default) fails, one
#   that missed fewer gives a warning. The server sets the count
#   (input.server.missed_cycles) when it evaluates a host; evaluated
#   anywhere else, the control is not assessed.
# custom:
#   id: ICO-MON-02
#   area: BRM
#   severity: medium
#   reads:
#     org: [thresholds]
#   mappings:
#     cis_v8: ["1.1"]
#     iso27001: ["5.9"]
#   remediation: >-
#     Find out why the host stopped reporting: it may be down, unreachable,
#     decommissioned without being unenrolled, or its agent may be stopped
#     or failing (systemctl status auditfleet-agent). Restart or reinstall
#     the agent, or unenroll a host that is gone so that its data is
#     deleted.
package auditfleet.controls.ico_mon_02

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "not_assessed", "evidence": [no_server_record]} if {
	not has_count
} else := {"status": "fail", "evidence": [missed]} if {
	input.server.missed_cycles >= limit
} else := {"status": "warn", "evidence": [missed]} if {
	input.server.missed_cycles > 0
} else := {
	"status": "pass",
	"evidence": [
		{
			"subject": "host",
			"detail": sprintf("reported in the latest audit cycle%v", [last_report]),
			"fact": "server.missed_cycles",
		},
	],
}

# has_count is a rule of its own: a "not" over an expression with an
# undefined or ill-typed input.server would not be true.
has_count if is_number(input.server.missed_cycles)

limit := lib.thresholds.missed_cycles

missed := {
	"subject": "host",
	"detail": sprintf("missed the last %v in a row%v; %v or more fail", [
		lib.plural(input.server.missed_cycles, "audit cycle"),
		last_report,
		limit,
	]),
	"fact": "server.missed_cycles",
}

last_report := sprintf(" (last report %v)", [input.server.last_report]) if {
	is_string(input.server.last_report)
} else := ""

no_server_record := {
	"subject": "host",
	"detail": concat(" ", [
		"no server record of this host's reporting (input.server.missed_cycles): the",
		"server assesses this control in its audit cycles",
	]),
	"fact": "server.missed_cycles",
}
