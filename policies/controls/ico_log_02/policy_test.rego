package auditfleet.controls.ico_log_02_test

import data.auditfleet.controls.ico_log_02

ok(n) := {"entries": n, "missing_time": 0, "missing_user": 0, "missing_justification": 0, "missing_recipient": 0}

all_ops := {
	"collection": ok(5120), "alteration": ok(9630), "consultation": ok(31044),
	"disclosure": ok(812), "combination": ok(1203), "erasure": ok(402),
}

applog(ops, extra) := object.union(
	{
		"id": "casework-audit", "path": "/var/log/casework/audit.jsonl", "format": "jsonl", "readable": true,
		"entries": 48211, "from": "2026-06-01T00:00:12Z", "to": "2026-08-31T23:58:40Z", "operations": ops,
	},
	extra,
)

logging(logs) := {
	"auditd": {}, "journald": {}, "forwarding": [], "time_sync": {"daemon": "chronyd", "running": true, "synchronised": true},
	"app_logs": logs,
}

eval(logs, org) := r if {
	r := ico_log_02.result with input as {"facts": {"logging": logging(logs)}, "collector_errors": []} with data.org as org
}

subjects(r) := [e.subject | some e in r.evidence]

test_complete_log_passes if {
	r := eval([applog(all_ops, {})], {})
	r.status == "pass"
	r.evidence == [{
		"subject": "casework-audit",
		"detail": "all six s.62 operations logged in 48211 entries (2026-06-01 to 2026-08-31), with the required fields",
		"fact": "logging.app_logs[casework-audit].operations",
	}]
}

test_missing_operations_fail if {
	ops := object.union(object.remove(all_ops, ["combination"]), {"erasure": ok(0)})
	r := eval([applog(ops, {})], {})
	r.status == "fail"
	subjects(r) == ["casework-audit/combination", "casework-audit/erasure"]
	r.evidence[0] == {
		"subject": "casework-audit/combination",
		"detail": "no combination entries among the 48211 examined (2026-06-01 to 2026-08-31)",
		"fact": "logging.app_logs[casework-audit].operations.combination",
	}
}

test_empty_log_fails_every_operation if {
	r := eval([applog({}, {"entries": 0, "from": null, "to": null})], {})
	r.status == "fail"
	count(r.evidence) == 6
	r.evidence[0].detail == "no collection entries among the 0 examined"
}

test_consultation_without_justification_fails if {
	ops := object.union(all_ops, {"consultation": object.union(ok(31044), {"missing_justification": 1200, "missing_user": 3})})
	r := eval([applog(ops, {})], {})
	r.status == "fail"
	r.evidence == [{
		"subject": "casework-audit/consultation",
		"detail": "31044 consultation entries: 3 lack who did it; 1200 lack the justification",
		"fact": "logging.app_logs[casework-audit].operations.consultation",
	}]
}

test_justification_requirement_switchable if {
	ops := object.union(all_ops, {"consultation": object.union(ok(31044), {"missing_justification": 1200})})
	eval([applog(ops, {})], {"thresholds": {"s62_justification_required": false}}).status == "pass"
	eval([applog(ops, {})], {"thresholds": {"s62_justification_required": true}}).status == "fail"
}

test_disclosure_without_recipient_fails if {
	ops := object.union(all_ops, {"disclosure": object.union(ok(812), {"missing_recipient": 4, "missing_time": 1})})
	r := eval([applog(ops, {})], {})
	r.status == "fail"
	r.evidence[0].detail == "812 disclosure entries: 1 lack the date and time; 4 lack the recipient"
}

test_fields_of_other_operations_not_required if {
	ops := object.union(all_ops, {"collection": object.union(ok(5120), {"missing_justification": 5120})})
	eval([applog(ops, {})], {}).status == "pass"
}

test_unreadable_log_not_assessed if {
	r := eval([applog(all_ops, {}), applog({}, {"id": "hr-audit", "path": "/var/log/hr/audit.csv", "readable": false, "entries": 0})], {})
	r.status == "not_assessed"
	r.evidence[0] == {
		"subject": "hr-audit",
		"detail": "declared audit log /var/log/hr/audit.csv could not be read or parsed, so its s.62 logging is unknown",
		"fact": "logging.app_logs[hr-audit].readable",
	}
	subjects(r) == ["hr-audit", "casework-audit"]
}

test_no_declared_log_not_assessed if {
	r := eval([], {})
	r.status == "not_assessed"
	r.evidence[0].detail == "no application audit log is declared for this host, so s.62 operation logging does not apply here"
}
