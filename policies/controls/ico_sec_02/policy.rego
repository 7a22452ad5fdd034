# METADATA
# title: Security updates applied within the patch window
# description: >-
#   Security updates are installed within the organisation's patch window
#   (14 days by default): a security update that has been available for
#   longer without being installed is a failure. When none is overdue, a
#   package index that could not be read (unsupported format, corrupt,
#   truncated) leaves the control not assessed; otherwise a package index
#   that has not been refreshed within the window (so newer updates would
#   not show) or the absence of automatic security updates gives a warning.
# custom:
#   id: ICO-SEC-02
#   area: RMS
#   severity: high
#   requires:
#     facts: [patching]
#   reads:
#     org: [thresholds]
#   mappings:
#     cyber_essentials: ["SUM"]
#     cis_v8: ["7.3", "7.4"]
#     iso27001: ["8.8"]
#   remediation: >-
#     Install the pending security updates listed in the evidence (apt-get
#     upgrade, dnf upgrade --security) and restart the affected services.
#     Enable automatic security updates (unattended-upgrades, dnf-automatic)
#     and make sure the package index refreshes daily, so that updates are
#     applied within the patch window without anyone having to act.
package auditfleet.controls.ico_sec_02

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "fail", "evidence": overdue} if {
	count(overdue) > 0
} else := {"status": "not_assessed", "evidence": unread} if {
	count(unread) > 0
} else := {"status": "warn", "evidence": array.concat(concerns, [summary])} if {
	count(concerns) > 0
} else := {"status": "pass", "evidence": [summary]}

patch_days := lib.thresholds.patch_days

# cutoff is the latest time an update can have become pending and be
# within the window; timestamps compare as UTC strings (see
# lib.ts_days_ago).
cutoff := lib.ts_days_ago(patch_days)

# pending are the pending security updates; [] when the facts lack them
# (a schema violation), so that the summary still counts.
pending := p if {
	p := input.facts.patching.pending
	is_array(p)
} else := []

# overdue has one evidence item per security update pending for longer
# than the patch window. Timestamps compare as UTC strings (see
# lib.ts_days_ago); the wording comes from a function that always
# answers, so that a malformed fact cannot drop a failure.
overdue := [{
	"subject": object.get(u, "package", "unnamed package"),
	"detail": overdue_wording(u, lib.plural(patch_days, "day")),
	"fact": sprintf("patching.pending[%v].pending_since", [object.get(u, "package", "")]),
} |
	some u in pending
	u.pending_since < cutoff
]

overdue_wording(u, window) := sprintf(overdue_format, [
	object.get(u, "candidate_version", "a newer version"),
	concat(", ", array.concat(object.get(u, "advisories", []), [origin(u)])),
	lib.days_ago(u.pending_since),
	substring(u.pending_since, 0, 10),
	since_source(u),
	window,
]) if {
	is_string(u.pending_since)
} else := sprintf(
	"security update pending since %v, which is not a timestamp; the patch window is %v",
	[u.pending_since, window],
)

overdue_format := "security update to %v (%v) pending %v days, since %v%v; the patch window is %v"

# since_source names where the pending date comes from, when the
# collector or the host's record of earlier reports says.
since_source(u) := sprintf(" (%v)", [u.pending_since_source]) if {
	is_string(u.pending_since_source)
	u.pending_since_source != ""
} else := ""

# unread has one evidence item per package index that decides the
# pending updates but could not be read: the updates it lists are
# unknown, so nothing overdue in the rest is no pass.
unread := [{
	"subject": field(s, "path", "package index"),
	"detail": sprintf("package index not read (%v): the security updates it lists are unknown", [
		field(s, "reason", "no reason given"),
	]),
	"fact": "patching.unread_sources",
} |
	some s in unread_sources
]

# field(s, key, fallback) is s[key] when s is an object with a string
# there, else fallback: a malformed entry still counts.
field(s, key, fallback) := s[key] if {
	is_object(s)
	is_string(s[key])
} else := fallback

unread_sources := s if {
	s := input.facts.patching.unread_sources
	is_array(s)
} else := []

origin(u) := sprintf("from %v", [object.get(u, "origin", "an unrecorded origin")])

# concerns are the warnings of a host with nothing overdue: an index too
# old to show recent updates, and no automatic security updates.
concerns := array.concat(stale_index, manual_updates)

stale_index := [{"subject": "package-index", "detail": detail, "fact": "patching.index_refreshed"} |
	refreshed := object.get(input.facts.patching, "index_refreshed", null)
	not fresh(refreshed)
	detail := index_wording(refreshed)
]

fresh(t) if {
	is_string(t)
	t >= cutoff
}

index_wording(t) := sprintf(
	concat(" ", [
		"package index last refreshed %v days ago, on %v: updates published since then",
		"are not listed, so overdue updates may be missed",
	]),
	[lib.days_ago(t), substring(t, 0, 10)],
) if {
	is_string(t)
} else := "when the package index was last refreshed is unknown, so the pending updates may be incomplete"

manual_updates := [{
	"subject": "automatic-updates",
	"detail": concat(" ", [
		"no automatic security updates are enabled (unattended-upgrades,",
		"dnf-automatic): updates wait for someone to install them",
	]),
	"fact": "patching.automatic_updates.enabled",
} |
	object.get(input.facts.patching, ["automatic_updates", "enabled"], false) != true
]

summary := {
	"subject": "patching", "detail": sprintf("%v pending, none for over %v; %v; %v", [
		lib.plural(count(pending), "security update"),
		lib.plural(patch_days, "day"),
		refresh_note,
		auto_note,
	]),
	"fact": "patching.pending",
}

refresh_note := sprintf("package index refreshed %v", [substring(input.facts.patching.index_refreshed, 0, 10)]) if {
	is_string(input.facts.patching.index_refreshed)
} else := "package index refresh time unknown"

auto_note := sprintf("automatic updates by %v", [input.facts.patching.automatic_updates.mechanism]) if {
	input.facts.patching.automatic_updates.enabled == true
} else := "no automatic updates"
