# METADATA
# title: Continuity systems supported and backed up
# description: >-
#   A host the organisation's continuity plans depend on (tagged
#   role=continuity-system, or declaring itself one) runs a supported
#   operating system (ICO-SEC-01), has current backups (ICO-BKP-01) and a
#   recent passing restore test (ICO-BKP-02): it fails when any of them
#   fails on it. On any other host the control does not apply and is not
#   assessed, so that hosts outside continuity neither pass nor fail it;
#   a host whose own declaration could not be read in full is not
#   assessed for that reason.
# custom:
#   id: ICO-BCP-02
#   area: RMS
#   severity: critical
#   depends: [ICO-SEC-01, ICO-BKP-01, ICO-BKP-02]
#   reads:
#     facts: [continuity, os]
#     org: [host_tags]
#   mappings:
#     cyber_essentials: ["SUM"]
#     cis_v8: ["2.2", "11.2"]
#     iso27001: ["5.30"]
#   remediation: >-
#     Treat the failing control named in the evidence as urgent on this
#     host: the organisation's continuity depends on it. Upgrade its
#     operating system, fix its backups and run and record a restore test,
#     following the remediation of ICO-SEC-01, ICO-BKP-01 and ICO-BKP-02.
package auditfleet.controls.ico_bcp_02

import data.auditfleet.lib

# result is the control's outcome for this host. The engine evaluates the
# controls it depends on first and gives it their final results
# (input.results), so a dependency that could not be assessed, or failed
# to evaluate, is combined as such and never counts as a pass.
result := {"status": combined({r.status | some r in parts}), "evidence": evidence} if {
	continuity_system
} else := lib.error_result("continuity") if {
	"continuity" in lib.failed
} else := {"status": "not_assessed", "evidence": [declaration_unread]} if {
	is_string(input.facts.continuity.unread)
} else := {"status": "not_assessed", "evidence": [not_applicable]} if {
	knowable
} else := {"status": "not_assessed", "evidence": [unknown_role]}

# parts are the dependencies' results, by control ID; a missing one is an
# error.
parts := {"ICO-BKP-01": bkp_01, "ICO-BKP-02": bkp_02, "ICO-SEC-01": sec_01}

bkp_01 := r if {
	r := input.results["ICO-BKP-01"]
} else := missing_result

bkp_02 := r if {
	r := input.results["ICO-BKP-02"]
} else := missing_result

sec_01 := r if {
	r := input.results["ICO-SEC-01"]
} else := missing_result

missing_result := {"status": "error", "evidence": [{
	"subject": "engine",
	"detail": "the result was not given to this control",
	"fact": "results",
}]}

evidence := [{"subject": id, "detail": part_wording(r), "fact": id} | some id, r in parts]

part_wording(r) := sprintf("%v on this continuity system: %v", [
	r.status,
	concat("; ", [e.detail | some e in r.evidence]),
])

# continuity_system is true when the host's effective tags say
# role=continuity-system (see lib.host_tags) or it declares itself one.
default continuity_system := false

continuity_system if lib.host_tags.role == "continuity-system"

continuity_system if input.facts.continuity.continuity_system == true

# knowable is true when something says what the host is: tags from any
# source, or continuity facts.
knowable if lib.tags_known

knowable if is_object(input.facts.continuity)

# combined(statuses) is the status of the whole: the first of fail,
# error, not_assessed and warn present, else pass.
combined(statuses) := "fail" if {
	"fail" in statuses
} else := "error" if {
	"error" in statuses
} else := "not_assessed" if {
	"not_assessed" in statuses
} else := "warn" if {
	"warn" in statuses
} else := "pass" if {
	statuses == {"pass"}
} else := "error"

not_applicable := {
	"subject": "host",
	"detail": "not a continuity system (no role=continuity-system tag or declaration), so the control does not apply",
	"fact": "continuity.continuity_system",
}

# declaration_unread says why the host's own declaration is unknown: its
# tags file is there but could not be read in full, so whether it is a
# continuity system is unknown, not "no".
declaration_unread := {
	"subject": "host",
	"detail": sprintf(
		"the host's declaration could not be read in full (%v), so whether this is a continuity system is unknown",
		[input.facts.continuity.unread],
	),
	"fact": "continuity.unread",
}

unknown_role := {
	"subject": "host",
	"detail": "no host tags or continuity facts, so whether this is a continuity system is unknown",
	"fact": "continuity",
}
