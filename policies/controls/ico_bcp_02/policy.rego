# METADATA
# title: Continuity systems supported and backed up
# description: >-
#   A host the organisation's continuity plans depend on (tagged
#   role=continuity-system, or declaring itself one) runs a supported
#   operating system (ICO-SEC-01), has current backups (ICO-BKP-01) and a
#   recent passing restore test (ICO-BKP-02): it fails when any of them
#   fails on it. On any other host the control does not apply and is not
#   assessed, so that hosts outside continuity neither pass nor fail it.
# custom:
#   id: ICO-BCP-02
#   area: RMS
#   severity: critical
#   reads:
#     facts: [continuity, os, backups]
#     org: [host_tags, thresholds]
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

import data.auditfleet.controls.ico_bkp_01
import data.auditfleet.controls.ico_bkp_02
import data.auditfleet.controls.ico_sec_01
import data.auditfleet.lib

# The conditions are the three controls' own results, not a copy of their
# logic: a rule is evaluated once per query, and the engine evaluates every
# control in one query, so on a continuity system this reads results that
# are computed anyway. On any other host they are not read at all.

# result is the control's outcome for this host.
result := {"status": status, "evidence": evidence} if {
	continuity_system
	parts := [{"id": id, "result": r} |
		some id, r in {"ICO-SEC-01": ico_sec_01.result, "ICO-BKP-01": ico_bkp_01.result, "ICO-BKP-02": ico_bkp_02.result}
	]
	status := combined({p.result.status | some p in parts})
	evidence := [{"subject": p.id, "detail": sprintf("%v on this continuity system: %v", [p.result.status, concat("; ", [e.detail | some e in p.result.evidence])]), "fact": p.id} | some p in parts]
} else := lib.error_result("continuity") if {
	"continuity" in lib.failed
} else := {"status": "not_assessed", "evidence": [not_applicable]} if {
	knowable
} else := {"status": "not_assessed", "evidence": [unknown_role]}

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
# error, not_assessed, warn present, else pass.
combined(statuses) := [s | some s in ["fail", "error", "not_assessed", "warn"]; s in statuses][0] if {
	count(statuses - {"pass"}) > 0
} else := "pass"

not_applicable := {"subject": "host", "detail": "not a continuity system (no role=continuity-system tag or declaration), so the control does not apply", "fact": "continuity.continuity_system"}

unknown_role := {"subject": "host", "detail": "no host tags or continuity facts, so whether this is a continuity system is unknown", "fact": "continuity"}
