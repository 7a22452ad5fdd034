# METADATA
# title: DPA 2018 s.62 operation logging
# description: >-
#   Every application audit log declared for the host records all six
#   kinds of processing that DPA 2018 s.62 requires to be logged
#   (collection, alteration, consultation, disclosure including transfers,
#   combination and erasure), and its consultation and disclosure entries
#   show the date and time, who did it and the justification, and for
#   disclosures the recipient. The justification requirement can be
#   switched off (data.org.thresholds.s62_justification_required) once
#   the Data (Use and Access) Act 2025 removes it. A host with no declared
#   application audit log is not assessed (the control does not apply);
#   an unreadable log is not assessed.
# custom:
#   id: ICO-LOG-02
#   area: BRM
#   severity: critical
#   requires:
#     facts: [logging]
#   reads:
#     org: [thresholds]
#   mappings:
#     cis_v8: ["8.5"]
#     iso27001: ["8.15"]
#   remediation: >-
#     Change the application so that it writes an audit entry for every
#     collection, alteration, consultation, disclosure (including
#     transfers), combination and erasure of personal data, each with the
#     date and time and the user, and for consultation and disclosure the
#     justification and (for disclosure) the recipient. Check the declared
#     log path and format if the log could not be read.
package auditfleet.controls.ico_log_02

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "not_assessed", "evidence": [not_applicable]} if {
	count(logs) == 0
} else := {"status": "fail", "evidence": gaps} if {
	count(gaps) > 0
} else := {"status": "not_assessed", "evidence": array.concat(unreadable, complete)} if {
	count(unreadable) > 0
} else := {"status": "pass", "evidence": complete}

logs := l if {
	l := input.facts.logging.app_logs
	is_array(l)
} else := []

# operations are the six kinds of processing s.62 requires to be logged.
operations := ["collection", "alteration", "consultation", "disclosure", "combination", "erasure"]

# required lists, for the operations s.62(2) asks more of, the fields
# their entries must have: a count field of the facts and its wording.
required := {
	"consultation": fields,
	"disclosure": array.concat(fields, [{"key": "missing_recipient", "name": "the recipient"}]),
}

fields := array.concat(
	[{"key": "missing_time", "name": "the date and time"}, {"key": "missing_user", "name": "who did it"}],
	[{"key": "missing_justification", "name": "the justification"} | lib.thresholds.s62_justification_required == true],
)

readable := [l | some l in logs; l.readable == true]

# gaps has one evidence item per operation a readable log lacks, and per
# consultation or disclosure that lacks a required field.
gaps := array.concat(
	[{
		"subject": sprintf("%v/%v", [id(log), op]),
		"detail": sprintf("no %v entries among the %v examined%v", [op, object.get(log, "entries", 0), span(log)]),
		"fact": sprintf("logging.app_logs[%v].operations.%v", [id(log), op]),
	} |
		some log in readable
		some op in operations
		object.get(log, ["operations", op, "entries"], 0) == 0
	],
	[{
		"subject": sprintf("%v/%v", [id(log), op]),
		"detail": sprintf("%v %v entries: %v", [stats.entries, op, concat("; ", lacking)]),
		"fact": sprintf("logging.app_logs[%v].operations.%v", [id(log), op]),
	} |
		some log in readable
		some op, wanted in required
		stats := log.operations[op]
		stats.entries > 0
		lacking := [sprintf("%v lack %v", [n, f.name]) | some f in wanted; n := object.get(stats, f.key, 0); n > 0]
		count(lacking) > 0
	],
)

id(log) := object.get(log, "id", "unnamed log")

span(log) := sprintf(" (%v to %v)", [substring(log.from, 0, 10), substring(log.to, 0, 10)]) if {
	is_string(log.from)
	is_string(log.to)
} else := ""

unreadable := [{
	"subject": object.get(log, "id", "unnamed log"),
	"detail": sprintf(
		"declared audit log %v could not be read or parsed, so its s.62 logging is unknown",
		[object.get(log, "path", "")],
	),
	"fact": sprintf("logging.app_logs[%v].readable", [object.get(log, "id", "")]),
} |
	some log in logs
	object.get(log, "readable", false) != true
]

complete := [{
	"subject": id(log),
	"detail": sprintf(
		"all six s.62 operations logged in %v entries%v, with the required fields",
		[object.get(log, "entries", 0), span(log)],
	),
	"fact": sprintf("logging.app_logs[%v].operations", [id(log)]),
} |
	some log in readable
]

not_applicable := {
	"subject": "app-logs",
	"detail": "no application audit log is declared for this host, so s.62 operation logging does not apply here",
	"fact": "logging.app_logs",
}
