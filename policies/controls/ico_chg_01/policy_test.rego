package auditfleet.controls.ico_chg_01_test

import data.auditfleet.controls.ico_chg_01

deployment(app, branch, reviewers) := {
	"application": app, "deployed_at": "2026-08-20T14:03:00Z", "commit": "9f2c1e7", "branch": branch,
	"reviewed_by": reviewers, "record": sprintf("/var/lib/deploy/%v.json", [app]),
}

change(env, deployments, paths, canaries) := {"environment": env, "deployments": deployments, "canary_paths": paths, "canaries": canaries}

org := {"baseline": {"protected_branches": ["main", "release"]}}

eval(tags, facts, o) := r if {
	inp := {"host": {"id": "h", "name": "app-01", "tags": tags}, "facts": {"change": facts}, "collector_errors": []}
	r := ico_chg_01.result with input as inp with data.org as o
}

prod := {"env": "production"}

subjects(r) := [e.subject | some e in r.evidence]

test_reviewed_protected_deploys_pass if {
	r := eval(prod, change("", [deployment("casework-api", "main", ["r.khan"])], ["/srv/casework"], []), org)
	r.status == "pass"
	r.evidence == [{
		"subject": "change",
		"detail": "current deployments reviewed and from protected branches: casework-api; no test-data canary in /srv/casework",
		"fact": "change",
	}]
}

test_canary_in_production_fails if {
	canary := {"path": "/srv/casework/2026/08/form-1182.json", "marker": "TESTDATA-CANARY-0042"}
	r := eval(prod, change("", [], ["/srv/casework"], [canary]), org)
	r.status == "fail"
	r.evidence == [{"subject": "/srv/casework/2026/08/form-1182.json", "detail": "test-data canary TESTDATA-CANARY-0042 found in production data", "fact": "change.canaries"}]
}

test_unreviewed_deploy_fails if {
	r := eval(prod, change("", [deployment("casework-api", "main", []), deployment("portal", "main", ["a.n.other"])], [], []), org)
	r.status == "fail"
	r.evidence == [{
		"subject": "casework-api",
		"detail": "commit 9f2c1e7 from branch main, deployed 2026-08-20; no review recorded",
		"fact": "change.deployments[casework-api].reviewed_by",
	}]
}

test_unprotected_branch_fails if {
	r := eval(prod, change("", [deployment("portal", "feature/quick-fix", ["r.khan"])], [], []), org)
	r.status == "fail"
	r.evidence[0].detail == "commit 9f2c1e7 from branch feature/quick-fix, deployed 2026-08-20: feature/quick-fix is not a protected branch (main, release)"
}

test_declared_environment_used_without_tag if {
	eval({}, change("prod", [deployment("portal", "dev", ["r.khan"])], [], []), org).status == "fail"

	# The organisation's tag wins over the host's declaration.
	eval({"env": "test"}, change("production", [deployment("portal", "dev", [])], [], []), org).status == "not_assessed"
}

test_not_production_not_assessed if {
	r := eval({"env": "staging"}, change("", [deployment("portal", "dev", [])], [], []), org)
	r.status == "not_assessed"
	r.evidence[0].detail == "environment staging is not production, so the control does not apply here"
}

test_unknown_environment_not_assessed if {
	r := eval({}, change("", [deployment("portal", "dev", [])], [], []), org)
	r.status == "not_assessed"
	r.evidence[0].subject == "environment"
}

test_nothing_to_check_not_assessed if {
	r := eval(prod, change("", [], [], []), org)
	r.status == "not_assessed"
	r.evidence[0].subject == "change"
}

test_without_branch_list_not_assessed if {
	r := eval(prod, change("", [deployment("portal", "main", ["r.khan"])], [], []), {})
	r.status == "not_assessed"
	subjects(r) == ["protected-branches", "change"]
	r.evidence[1].detail == "current deployments reviewed: portal; no production data path declared for a canary search"

	# Review and canaries are still checked.
	eval(prod, change("", [deployment("portal", "main", [])], [], []), {}).status == "fail"

	# Canaries alone need no branch list.
	c := eval(prod, change("", [], ["/srv/casework"], []), {})
	c.status == "pass"
	c.evidence[0].detail == "no deployment records; no test-data canary in /srv/casework"
}

test_records_not_understood_not_assessed if {
	facts := object.union(
		change("", [deployment("casework-api", "main", ["r.khan"])], [], []),
		{"unread_records": ["/var/lib/auditfleet/deployments.jsonl:2: decode: unexpected end of JSON input; record skipped"]},
	)
	r := eval(prod, facts, org)
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "deployments",
		"detail": "deployment records not understood (first: /var/lib/auditfleet/deployments.jsonl:2: decode: unexpected end of JSON input; record skipped), so an application's current deployment may be among them and whether it was reviewed is unknown",
		"fact": "change.unread_records",
	}]
}

test_records_not_understood_still_fail_on_what_was_read if {
	facts := object.union(
		change("", [deployment("casework-api", "main", [])], [], []),
		{"unread_records": ["/var/lib/auditfleet/deployments.jsonl:2: no application; record skipped"]},
	)
	eval(prod, facts, org).status == "fail"
}
