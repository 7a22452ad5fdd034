# METADATA
# title: Operating system is supported
# description: >-
#   The host's operating system release still receives security updates:
#   its end of security support, from the shipped lifecycle data, has not
#   passed. Extended support counts when it is free for the product (Debian
#   LTS) or when the host reports, or the organisation's entitlements
#   register (data.org.entitlements) records, the entitlement for a paid
#   programme (Ubuntu Pro ESM, RHEL ELS, Oracle
#   Extended Support, SUSE LTSS, Windows ESU). Warns when the effective end
#   of support is near; an OS the lifecycle data does not know is not
#   assessed.
# custom:
#   id: ICO-SEC-01
#   area: RMS
#   severity: critical
#   requires:
#     facts: [os]
#   reads:
#     org: [thresholds, entitlements]
#   mappings:
#     cyber_essentials: ["SUM"]
#     cis_v8: ["2.2"]
#     iso27001: ["8.8"]
#   remediation: >-
#     Upgrade the host to a supported release of its operating system before
#     the end date shown in the evidence. Where an upgrade must wait, enrol
#     the host in the vendor's extended support (and record the entitlement
#     in the organisation's entitlements register if the agent cannot see
#     it), or ask the assurance team for a time-limited waiver.
package auditfleet.controls.ico_sec_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": status_of[end_phase], "evidence": [evidence], "sources": sources} if {
	eol_phase
	eoes_phase
} else := {"status": "not_assessed", "evidence": [unknown_os], "sources": sources} if {
	not lib.os_release
} else := {"status": "error", "evidence": [bad_date], "sources": sources}

# release is the host's release in the lifecycle data; product its product.
release := lib.os_release.release

product := lib.os_release.product

# ext is the product's extended support programme, eoes its end for the
# release (null when the release has none).
ext := object.get(product, "extended_support", {})

eoes := object.get(release, "eoes", null)

# kind is how extended support applies to the host (see extended_kind).
kind := extended_kind(ext, eoes)

# covered is true when extended support covers the host: free, or paid and
# entitled. The effective end of support is then the end of extended
# support, else the end of security support.
default covered := false

covered if kind in {"free", "entitled"}

eol_phase := phase(release.eol)

eoes_phase := phase(eoes)

end_phase := eoes_phase if {
	covered
} else := eol_phase

end_date := eoes if {
	covered
} else := release.eol

status_of := {"open": "pass", "over": "fail", "ended": "fail", "near": "warn", "until": "pass"}

# evidence words the verdict, e.g. "Debian 12 (bookworm): regular security
# support ended 2026-07-11; free Debian LTS until 2028-06-30".
evidence := {"subject": "os", "detail": concat("; ", parts), "fact": "os.version_id"} if {
	regular := sprintf(date_wording[eol_phase], [support_name, release.eol])
	parts := array.concat([sprintf("%v: %v", [label, regular])], array.concat(extended, warning))
}

support_name := "security support" if {
	kind == "none"
} else := "regular security support"

extended := [sprintf(extended_wording[kind][eoes_phase], [ext.name, eoes, object.get(ext, "entitlement", "")]) |
	kind != "none"
]

warning := [sprintf("support ends in %v (warning from %v days)", [lib.plural(days, "day"), warn_days]) |
	end_phase == "near"
	days := lib.days_until(lib.date_ns(end_date))
]

# label names the release: product, cycle and codename (the host's own,
# else the lifecycle data's).
label := sprintf("%v %v (%v)", [product.title, lib.os_release.cycle, codename]) if {
	codename != ""
} else := sprintf("%v %v", [product.title, lib.os_release.cycle])

codename := c if {
	c := object.get(input.facts.os, "version_codename", "")
	c != ""
} else := object.get(release, "codename", "")

# phase(d) places a lifecycle date relative to the evaluation time:
# "open" (false: no end announced), "over" (true: ended on an unpublished
# day), "ended", "near" (within warn_days) or "until"; "none" for null (no
# such date). Undefined for a malformed date. Dates are compared as
# strings (see lib.today).
phase(d) := "none" if {
	d == null
} else := "open" if {
	d == false
} else := "over" if {
	d == true
} else := date_phase(d) if {
	lib.date_ns(d)
}

date_phase(d) := "ended" if {
	d <= lib.today
} else := "near" if {
	d <= warn_until
} else := "until"

# warn_until is the last day whose end of support warns.
warn_until := lib.day_after(warn_days)

# extended_kind(ext, eoes) is how extended support applies to the host:
# "none" (the release has none), "free", "entitled" (paid, and the
# entitlement is in the os facts or lib.entitlements) or
# "missing" (paid, entitlement not found).
extended_kind(ext, eoes) := "none" if {
	eoes == null
} else := "free" if {
	ext.kind == "free"
} else := "entitled" if {
	ext.entitlement in input.facts.os.entitlements
} else := "entitled" if {
	ext.entitlement in lib.entitlements
} else := "missing"

# warn_days is how long before the effective end of support the control
# warns: data.org.thresholds.os_warn_days, default 180.
warn_days := lib.thresholds.os_warn_days

# date_wording phrases the end of security support: %[1]v is what ends,
# %[2]v the date.
date_wording := {
	"open": "%[1]v has no announced end",
	"over": "%[1]v has ended (end date not published)",
	"ended": "%[1]v ended %[2]v",
	"near": "%[1]v until %[2]v",
	"until": "%[1]v until %[2]v",
}

# extended_wording phrases extended support by kind and phase: %[1]v is
# the programme, %[2]v its end date, %[3]v the entitlement.
extended_wording := {
	"free": {
		"open": "free %[1]v has no announced end",
		"over": "free %[1]v has ended (end date not published)",
		"ended": "free %[1]v ended %[2]v",
		"near": "free %[1]v until %[2]v",
		"until": "free %[1]v until %[2]v",
	},
	"entitled": {
		"open": "%[1]v (entitlement %[3]v present) has no announced end",
		"over": "%[1]v has ended (end date not published)",
		"ended": "%[1]v ended %[2]v",
		"near": "%[1]v (entitlement %[3]v present) until %[2]v",
		"until": "%[1]v (entitlement %[3]v present) until %[2]v",
	},
	"missing": {
		"open": "%[1]v (no announced end) needs entitlement %[3]v, not found on the host or in the entitlements register",
		"over": "%[1]v has ended (end date not published)",
		"ended": "%[1]v ended %[2]v",
		"near": "%[1]v until %[2]v needs entitlement %[3]v, not found on the host or in the entitlements register",
		"until": "%[1]v until %[2]v needs entitlement %[3]v, not found on the host or in the entitlements register",
	},
}

sources := {"lifecycle": sprintf("%v@%v", [data.lifecycle.source.repository, data.lifecycle.source.commit])} if {
	data.lifecycle.source.repository
} else := {}

unknown_os := lib.evidence(
	"os", sprintf("%v (ID=%v, NAME=%v, VERSION_ID=%v) is not in the lifecycle data, so its support status is unknown", [
		object.get(input.facts.os, "pretty_name", "unnamed OS"),
		object.get(input.facts.os, "id", ""),
		object.get(input.facts.os, "name", ""),
		object.get(input.facts.os, "version_id", ""),
	]),
	"os.id",
)

bad_date := lib.evidence(
	"os", sprintf("%v %v: lifecycle end date %v is not a YYYY-MM-DD date", [
		lib.os_release.product.title,
		lib.os_release.cycle,
		[d | some k in ["eol", "eoes"]; d := lib.os_release.release[k]; not phase(d)][0],
	]),
	"os.version_id",
)
