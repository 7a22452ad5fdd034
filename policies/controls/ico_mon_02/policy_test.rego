package auditfleet.controls.ico_mon_02_test

import data.auditfleet.controls.ico_mon_02

eval(server, org) := r if {
	r := ico_mon_02.result with input as {"facts": {}, "server": server} with data.org as org
}

test_reporting_host_passes if {
	r := eval({"missed_cycles": 0, "last_report": "2026-09-01T00:00:00Z"}, {})
	r.status == "pass"
	r.evidence == [{"subject": "host", "detail": "reported in the latest audit cycle (last report 2026-09-01T00:00:00Z)", "fact": "server.missed_cycles"}]
}

test_one_missed_cycle_warns if {
	r := eval({"missed_cycles": 1}, {})
	r.status == "warn"
	r.evidence[0].detail == "missed the last 1 audit cycle in a row; 2 or more fail"
}

test_missed_cycles_fail if {
	r := eval({"missed_cycles": 2, "last_report": "2026-08-25T00:00:00Z"}, {})
	r.status == "fail"
	r.evidence[0].detail == "missed the last 2 audit cycles in a row (last report 2026-08-25T00:00:00Z); 2 or more fail"
	eval({"missed_cycles": 14}, {}).status == "fail"
}

test_threshold_configurable if {
	eval({"missed_cycles": 2}, {"thresholds": {"missed_cycles": 3}}).status == "warn"
	eval({"missed_cycles": 1}, {"thresholds": {"missed_cycles": 1}}).status == "fail"
}

test_without_server_record_not_assessed if {
	r := ico_mon_02.result with input as {"facts": {}}
	r.status == "not_assessed"
	r.evidence[0].detail == "no server record of this host's reporting (input.server.missed_cycles): the server assesses this control in its audit cycles"
	eval({"missed_cycles": "2"}, {}).status == "not_assessed"
	eval({}, {}).status == "not_assessed"
	eval(null, {}).status == "not_assessed"
}
