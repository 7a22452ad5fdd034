# METADATA
# title: No test data or unreviewed code in production
# description: >-
#   On a production host (environment tag production, prod or live, from
#   the organisation's host tags or the host's own declaration), every
#   application's current deployment was reviewed by someone and built
#   from a protected branch (data.org.baseline.protected_branches), and no
#   test-data canary is found in the declared production data. Hosts in
#   other environments are not assessed (the control does not apply), nor
#   are hosts whose environment is unknown, or with nothing to check, or
#   whose deployment records could not all be understood (unless what was
#   read already fails).
# custom:
#   id: ICO-CHG-01
#   area: RMS
#   severity: high
#   requires:
#     facts: [change]
#   reads:
#     facts: [continuity, os]
#     org: [baseline, host_tags]
#   mappings:
#     cis_v8: ["16.8"]
#     iso27001: ["8.31", "8.32", "8.33"]
#   remediation: >-
#     Remove test data from production and find how it got there (test
#     fixtures in a release, a copy in the wrong direction). Redeploy from a
#     protected branch through the reviewed release pipeline, and make the
#     pipeline refuse unreviewed changes and branches that are not
#     protected. Keep production and test environments separate.
package auditfleet.controls.ico_chg_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "not_assessed", "evidence": [unknown_environment]} if {
	environment == ""
} else := {"status": "not_assessed", "evidence": [not_production]} if {
	not lower(environment) in production
} else := {"status": "fail", "evidence": failures} if {
	count(failures) > 0
} else := {"status": "not_assessed", "evidence": unknown} if {
	count(unknown) > 0
} else := {"status": "not_assessed", "evidence": [nothing_to_check]} if {
	count(deployments) + count(canary_paths) == 0
} else := {"status": "not_assessed", "evidence": [no_branch_list, summary]} if {
	not has_branch_list
	count(deployments) > 0
} else := {"status": "pass", "evidence": [summary]}

production := {"production", "prod", "live"}

# unknown has one item per part of the facts the collector could not
# know: deployments null (records unreadable), records not understood
# (an application's current deployment may be among them), or declared
# data paths not searched completely. Nothing wrong among what was seen
# is then no pass.
unknown := array.concat(array.concat(deployments_unknown, records_unread), paths_unsearched)

deployments_unknown := [{
	"subject": "deployments",
	"detail": concat(" ", [
		"the deployment records could not be read,",
		"so whether the current deployments were reviewed is unknown",
	]),
	"fact": "change.deployments",
} |
	input.facts.change.deployments == null
]

records_unread := [{
	"subject": "deployments",
	"detail": sprintf(
		concat(" ", [
			"deployment records not understood (first: %v), so an application's current deployment",
			"may be among them and whether it was reviewed is unknown",
		]),
		[list("unread_records")[0]],
	),
	"fact": "change.unread_records",
} |
	count(list("unread_records")) > 0
]

paths_unsearched := [{
	"subject": p,
	"detail": concat(" ", [
		"declared production data path not searched completely for test-data canaries",
		"(missing, unreadable or only partly searched)",
	]),
	"fact": "change.unsearched_paths",
} |
	some p in list("unsearched_paths")
]

# environment is the host's env tag (see lib.host_tags), else the
# environment the host declares; "" when neither says.
environment := e if {
	e := lib.host_tags.env
	is_string(e)
	e != ""
} else := e if {
	e := input.facts.change.environment
	is_string(e)
} else := ""

deployments := list("deployments")

canary_paths := list("canary_paths")

# list(key) is input.facts.change[key] when it is an array, else [].
list(key) := l if {
	l := input.facts.change[key]
	is_array(l)
} else := []

default has_branch_list := false

has_branch_list if is_array(data.org.baseline.protected_branches)

protected := {b | some b in data.org.baseline.protected_branches}

failures := array.concat(array.concat(canaries, unreviewed), unprotected)

canaries := [{
	"subject": object.get(c, "path", "unknown file"),
	"detail": sprintf("test-data canary %v found in production data", [object.get(c, "marker", "(marker not recorded)")]),
	"fact": "change.canaries",
} |
	some c in list("canaries")
]

unreviewed := [{
	"subject": object.get(d, "application", "unnamed application"),
	"detail": sprintf("%v; no review recorded", [deployment(d)]),
	"fact": sprintf("change.deployments[%v].reviewed_by", [object.get(d, "application", "")]),
} |
	some d in deployments
	count(object.get(d, "reviewed_by", [])) == 0
]

unprotected := [{
	"subject": object.get(d, "application", "unnamed application"),
	"detail": sprintf(
		"%v: %v is not a protected branch (%v)",
		[deployment(d), object.get(d, "branch", "(no branch)"), concat(", ", sort(protected))],
	),
	"fact": sprintf("change.deployments[%v].branch", [object.get(d, "application", "")]),
} |
	has_branch_list
	some d in deployments
	not object.get(d, "branch", "") in protected
]

deployment(d) := sprintf(
	"commit %v from branch %v, deployed %v",
	[
		object.get(d, "commit", "(unknown)"),
		object.get(d, "branch", "(unknown)"),
		substring(object.get(d, "deployed_at", "unknown"), 0, 10),
	],
)

# summary is the evidence of a host with nothing wrong: one item, built
# with few operations since most production hosts get it.
summary := {"subject": "change", "detail": sprintf("%v; %v", [deployments_note, canary_note]), "fact": "change"}

deployments_note := sprintf("current deployments reviewed%v: %v", [
	branches_note,
	concat(", ", [d.application | some d in deployments]),
]) if {
	count(deployments) > 0
} else := "no deployment records"

branches_note := " and from protected branches" if {
	has_branch_list
} else := ""

canary_note := sprintf("no test-data canary in %v", [concat(", ", canary_paths)]) if {
	count(canary_paths) > 0
} else := "no production data path declared for a canary search"

unknown_environment := {
	"subject": "environment",
	"detail": "the host's environment is unknown (no env tag and no declaration), so whether it is production is unknown",
	"fact": "change.environment",
}

not_production := {
	"subject": "environment",
	"detail": sprintf("environment %v is not production, so the control does not apply here", [environment]),
	"fact": "change.environment",
}

nothing_to_check := {
	"subject": "change",
	"detail": concat(" ", [
		"no deployment record and no declared production data path to search",
		"for canaries, so there is nothing to check",
	]),
	"fact": "change",
}

no_branch_list := {
	"subject": "protected-branches",
	"detail": concat(" ", [
		"no protected-branch list in the organisation data",
		"(data.org.baseline.protected_branches), so deployment branches could not be checked",
	]),
	"fact": "data.org.baseline.protected_branches",
}
