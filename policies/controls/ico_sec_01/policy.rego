# METADATA
# title: Operating system is supported
# description: >-
#   The host's operating system release still receives security updates:
#   its end of security support, from the shipped lifecycle data, has not
#   passed. Extended support counts when it is free for the product (Debian
#   LTS) or when the host, or the organisation's config, holds the
#   entitlement for a paid programme (Ubuntu Pro ESM, RHEL ELS, Oracle
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
#     org: [thresholds]
#   mappings:
#     cyber_essentials: ["SUM"]
#     cis_v8: ["2.2"]
#     iso27001: ["8.8"]
#   remediation: >-
#     Upgrade the host to a supported release of its operating system before
#     the end date shown in the evidence. Where an upgrade must wait, enrol
#     the host in the vendor's extended support (and record the entitlement
#     in config if the agent cannot see it), or ask the assurance team for a
#     time-limited waiver.
package auditfleet.controls.ico_sec_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := lib.error_result("os") if {
	"os" in lib.failed
} else := a if {
	a := assessment
} else := lib.absent_result("os") if {
	not has_facts
} else := {"status": "not_assessed", "evidence": [unknown_os], "sources": sources} if {
	not lib.os_release
} else := {"status": "error", "evidence": [bad_date], "sources": sources}

# Every host evaluates this policy, and in OPA each rule or function
# evaluation (even a cached one) costs far more than an operation on a
# local variable. So the verdict is worked out in one rule, assessment,
# from locals and table lookups; only phase and extended_kind are
# functions.

# assessment is the result for a host whose release the lifecycle data
# knows; undefined when it does not, or when its end date is malformed.
assessment := {
	"status": status,
	"evidence": [{"subject": "os", "detail": detail, "fact": "os.version_id"}],
	"sources": sources,
} if {
	r := lib.os_release
	release := r.release
	ext := object.get(r.product, "extended_support", {})
	eoes := object.get(release, "eoes", null)

	# The effective end of support is the end of extended support when
	# that covers the host (free, or paid and entitled), else the end of
	# security support.
	kind := extended_kind(ext, eoes)
	covered := kind in {"free", "entitled"}
	eol_phase := phase(release.eol)
	eoes_phase := phase(eoes)
	end_phase := {true: eoes_phase, false: eol_phase}[covered]
	status := status_of[end_phase]

	# Wording: "Debian 12 (bookworm): regular security support ended
	# 2026-07-11; free Debian LTS until 2028-06-30".
	host_codename := object.get(input.facts.os, "version_codename", "")
	codename := {true: object.get(release, "codename", ""), false: host_codename}[host_codename == ""]
	label := sprintf(label_format[codename == ""], [r.product.title, r.cycle, codename])
	regular := sprintf(date_wording[eol_phase], [{true: "security support", false: "regular security support"}[kind == "none"], release.eol])
	extended := [sprintf(extended_wording[kind][eoes_phase], [ext.name, eoes, object.get(ext, "entitlement", "")]) | kind != "none"]
	warning := [sprintf("support ends in %v day%v (warning from %v days)", [days, {true: "", false: "s"}[days == 1], warn_days]) |
		end_phase == "near"
		end := {true: eoes, false: release.eol}[covered]
		days := lib.days_until(time.parse_ns("2006-01-02", end))
	]
	detail := concat("; ", array.concat([sprintf("%v: %v", [label, regular])], array.concat(extended, warning)))
}

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
} else := p if {
	time.parse_ns("2006-01-02", d)
	p := {true: "ended", false: {true: "near", false: "until"}[d <= warn_until]}[d <= lib.today]
}

# warn_until is the last day whose end of support warns.
warn_until := lib.day_after(warn_days)

status_of := {"open": "pass", "over": "fail", "ended": "fail", "near": "warn", "until": "pass"}

# extended_kind(ext, eoes) is how extended support applies to the host:
# "none" (the release has none), "free", "entitled" (paid, and the
# entitlement is in the os facts or data.config.entitlements) or
# "missing" (paid, entitlement not found).
extended_kind(ext, eoes) := "none" if {
	eoes == null
} else := "free" if {
	ext.kind == "free"
} else := "entitled" if {
	ext.entitlement in input.facts.os.entitlements
} else := "entitled" if {
	ext.entitlement in data.config.entitlements
} else := "missing"

# warn_days is how long before the effective end of support the control
# warns: data.org.thresholds.os_warn_days, default 180.
warn_days := lib.thresholds.os_warn_days

# label_format is keyed by "no codename known".
label_format := {true: "%v %v%v", false: "%v %v (%v)"}

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
		"open": "%[1]v (no announced end) needs entitlement %[3]v, which was not found on the host or in config",
		"over": "%[1]v has ended (end date not published)",
		"ended": "%[1]v ended %[2]v",
		"near": "%[1]v until %[2]v needs entitlement %[3]v, which was not found on the host or in config",
		"until": "%[1]v until %[2]v needs entitlement %[3]v, which was not found on the host or in config",
	},
}

# has_facts is a rule of its own: "not is_object(input.facts.os)" would be
# undefined, not true, when input.facts.os is undefined.
has_facts if is_object(input.facts.os)

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
