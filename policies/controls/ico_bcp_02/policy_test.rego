package auditfleet.controls.ico_bcp_02_test

import data.auditfleet.controls.ico_bcp_02

# result(status, detail) is a dependency's final result, as the engine
# gives it in input.results.
result(status, detail) := {"status": status, "evidence": [{"subject": "s", "detail": detail, "fact": "f"}]}

passing := {
	"ICO-BKP-01": result("pass", "1 backup job, all succeeded within 7 days"),
	"ICO-BKP-02": result("pass", "restore test on 2026-07-15 passed"),
	"ICO-SEC-01": result("pass", "Debian 13 (Trixie): regular security support until 2028-08-09"),
}

host(tags, facts, results) := {
	"host": {"id": "h", "name": "db-01", "tags": tags},
	"facts": facts,
	"collector_errors": [],
	"results": results,
}

cs := {"role": "continuity-system"}

eval(inp) := r if {
	r := ico_bcp_02.result with input as inp with data.org as {}
}

subjects(r) := [e.subject | some e in r.evidence]

test_supported_and_backed_up_passes if {
	r := eval(host(cs, {}, passing))
	r.status == "pass"
	subjects(r) == ["ICO-BKP-01", "ICO-BKP-02", "ICO-SEC-01"]
	r.evidence[2] == {
		"subject": "ICO-SEC-01",
		"detail": "pass on this continuity system: Debian 13 (Trixie): regular security support until 2028-08-09",
		"fact": "ICO-SEC-01",
	}
}

test_failing_dependency_fails if {
	results := object.union(passing, {"ICO-SEC-01": result("fail", "Debian 10 (Buster): security support ended")})
	r := eval(host(cs, {}, results))
	r.status == "fail"
	startswith(r.evidence[2].detail, "fail on this continuity system: Debian 10 (Buster)")
}

# A dependency that could not be assessed, or failed to evaluate, is never
# a pass; fail outranks error, error not_assessed, and not_assessed warn.
test_worst_status_wins if {
	cases := [
		[{"ICO-BKP-01": "not_assessed"}, "not_assessed"],
		[{"ICO-BKP-02": "error"}, "error"],
		[{"ICO-BKP-01": "warn"}, "warn"],
		[{"ICO-BKP-01": "warn", "ICO-BKP-02": "not_assessed"}, "not_assessed"],
		[{"ICO-BKP-01": "error", "ICO-SEC-01": "fail"}, "fail"],
		[{"ICO-SEC-01": "waived"}, "error"],
	]
	every c in cases {
		results := object.union(passing, {id: result(s, "x") | some id, s in c[0]})
		eval(host(cs, {}, results)).status == c[1]
	}
}

test_missing_dependency_result_is_error if {
	r := eval(host(cs, {}, object.remove(passing, ["ICO-BKP-02"])))
	r.status == "error"
	r.evidence[1].detail == "error on this continuity system: the result was not given to this control"
	eval({"host": {"tags": cs}}).status == "error"
}

test_declared_continuity_system_assessed if {
	facts := {"continuity": {"tags": {}, "continuity_system": true, "plan_refs": [], "source": "/etc/auditfleet/tags"}}
	results := object.union(passing, {"ICO-BKP-01": result("fail", "no backup job found")})
	eval(host({}, facts, results)).status == "fail"
}

test_org_tag_makes_continuity_system if {
	inp := {"host": {"name": "db-01"}, "facts": {}, "results": passing}
	r := ico_bcp_02.result with input as inp with data.org as {"host_tags": {"db-01": cs}}
	r.status == "pass"
}

test_other_host_does_not_apply if {
	r := eval(host({"role": "web"}, {}, passing))
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "host",
		"detail": "not a continuity system (no role=continuity-system tag or declaration), so the control does not apply",
		"fact": "continuity.continuity_system",
	}]
}

test_unknown_role_not_assessed if {
	r := eval({"facts": {}, "results": passing})
	r.status == "not_assessed"
	r.evidence[0].detail == "no host tags or continuity facts, so whether this is a continuity system is unknown"
}

test_continuity_collector_error if {
	error := {"collector": "continuity", "namespace": "continuity", "kind": "timeout", "message": "killed"}
	eval({"facts": {}, "collector_errors": [error], "results": passing}).status == "error"
}

unread_facts := {"continuity": {
	"tags": {}, "continuity_system": false, "plan_refs": [], "source": "",
	"unread": "/etc/auditfleet/tags: a symbolic link to nothing",
}}

test_unread_declaration_not_assessed if {
	r := eval(host({}, unread_facts, passing))
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "host",
		"detail": "the host's declaration could not be read in full (/etc/auditfleet/tags: a symbolic link to nothing), so whether this is a continuity system is unknown",
		"fact": "continuity.unread",
	}]
}

test_unread_declaration_still_assessed_when_tagged if {
	# The organisation's tags say what the host is, whatever it declares.
	r := eval(host(cs, unread_facts, passing))
	r.status == "pass"
}
