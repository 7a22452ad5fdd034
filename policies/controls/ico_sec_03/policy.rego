# METADATA
# title: Installed software is supported
# description: >-
#   Every installed package comes from a configured repository, so that it
#   receives updates, and no language runtime (Python, Node.js, PHP, Java,
#   ...) is past the end of life of its release cycle. A package no
#   configured repository provides, or a runtime past end of life, is a
#   failure unless the assurance team waives it; a runtime whose end of
#   life is unknown, or a package list that could not be read (so which
#   packages are foreign is unknown), is not assessed.
# custom:
#   id: ICO-SEC-03
#   area: RMS
#   severity: high
#   requires:
#     facts: [packages]
#   mappings:
#     cyber_essentials: ["SUM"]
#     cis_v8: ["2.2"]
#     iso27001: ["8.8"]
#   remediation: >-
#     Remove packages that no configured repository provides, or replace
#     them with supported versions from a maintained repository (add the
#     vendor's repository if the software is still needed). Upgrade language
#     runtimes past end of life to a supported release cycle and retest the
#     applications that use them. Ask the assurance team for a time-limited
#     waiver, naming the package or runtime path, where that must wait.
package auditfleet.controls.ico_sec_03

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "fail", "evidence": unsupported} if {
	count(unsupported) > 0
} else := {"status": "not_assessed", "evidence": array.concat(unknown, [summary])} if {
	count(unknown) > 0
} else := {"status": "pass", "evidence": [summary]}

foreign := list("foreign")

runtimes := list("runtimes")

# list(key) is input.facts.packages[key] when it is an array, else [].
list(key) := l if {
	l := input.facts.packages[key]
	is_array(l)
} else := []

# unsupported has one evidence item per package no repository provides
# and per runtime whose end of life has passed (a "YYYY-MM-DD" date on or
# before today, compared as strings; see lib.today).
unsupported := array.concat(foreign_packages, runtimes_past_eol)

foreign_packages := [{
	"subject": object.get(p, "name", "unnamed package"),
	"detail": sprintf(
		"package %v %v (%v) is installed but no configured repository provides it, so nothing will update it",
		[object.get(p, "name", "unnamed package"), object.get(p, "version", ""), object.get(p, "architecture", "")],
	),
	"fact": sprintf("packages.foreign[%v]", [object.get(p, "name", "")]),
} |
	some p in foreign
]

runtimes_past_eol := [{
	"subject": object.get(r, "path", "runtime"),
	"detail": sprintf(
		"%v %v (cycle %v, %v) reached end of life on %v",
		[object.get(r, "name", "runtime"), object.get(r, "version", ""), object.get(r, "cycle", ""), installed_by(r), r.eol],
	),
	"fact": sprintf("packages.runtimes[%v].eol", [object.get(r, "path", "")]),
} |
	some r in runtimes
	is_string(r.eol)
	r.eol <= lib.today
]

installed_by(r) := sprintf("package %v", [r.package]) if {
	is_string(r.package)
	r.package != ""
} else := "not from a package"

# unknown is what keeps the host from being assessed: package lists not
# read (so which packages are foreign is unknown) and runtimes whose end
# of life is unknown.
unknown := array.concat(array.concat(unread, foreign_unknown), unknown_eol)

unread := [{
	"subject": field(s, "path", "package list"),
	"detail": sprintf("package list not read (%v): packages only it provides cannot be told from foreign ones", [
		field(s, "reason", "no reason given"),
	]),
	"fact": "packages.unread_sources",
} |
	some s in list("unread_sources")
]

# field(s, key, fallback) is s[key] when s is an object with a string
# there, else fallback: a malformed entry still counts.
field(s, key, fallback) := s[key] if {
	is_object(s)
	is_string(s[key])
} else := fallback

foreign_unknown := [] if {
	is_array(input.facts.packages.foreign)
} else := [{
	"subject": "packages",
	"detail": "which installed packages no configured repository provides is unknown",
	"fact": "packages.foreign",
}]

# unknown_eol lists runtimes whose end of life the lifecycle data does not
# give: their support cannot be judged.
unknown_eol := [{
	"subject": object.get(r, "path", object.get(r, "name", "runtime")),
	"detail": sprintf(
		"%v %v: end of life unknown (not in the lifecycle data), so whether it is supported is unknown",
		[object.get(r, "name", "runtime"), object.get(r, "version", "")],
	),
	"fact": sprintf("packages.runtimes[%v].eol", [object.get(r, "path", "")]),
} |
	some r in runtimes
	not is_string(object.get(r, "eol", null))
]

provenance := sprintf("all provided by the configured repositories (%v)", [count(list("repositories"))]) if {
	is_array(input.facts.packages.foreign)
	count(unread) == 0
} else := sprintf("not all known to be provided by the configured repositories (%v)", [count(list("repositories"))])

summary := {
	"subject": "packages", "detail": sprintf(
		concat(" ", [
			"%v installed, %v;",
			"%v, none past end of life",
		]),
		[
			lib.plural(object.get(input.facts.packages, "installed", 0), "package"),
			provenance,
			lib.plural(count(runtimes), "language runtime"),
		],
	),
	"fact": "packages",
}
