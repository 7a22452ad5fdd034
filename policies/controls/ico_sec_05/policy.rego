# METADATA
# title: Personal data not publicly exposed
# description: >-
#   No personal-data path declared for the host can be read or modified by
#   every local user, and no web server (nginx, Apache) serves it or part
#   of it. A declared path that does not exist, was not fully walked, or
#   that the organisation's data-store register lists for this host but
#   the collector did not check, is not assessed; a host with no declared
#   personal-data path is not assessed (the control does not apply).
# custom:
#   id: ICO-SEC-05
#   area: RMS
#   severity: critical
#   requires:
#     facts: [exposure]
#   reads:
#     facts: [os]
#     org: [data_stores]
#   mappings:
#     cyber_essentials: ["SC", "UAC"]
#     cis_v8: ["3.3"]
#     iso27001: ["5.15", "8.3"]
#   remediation: >-
#     Remove access for others from the personal-data path (chmod -R o-rwx)
#     and give access through a group that only the service and its
#     administrators belong to. Remove web-server roots and aliases that
#     serve personal data, turn off directory listing, and check the web
#     server's access logs for the period the data was exposed: if it was
#     read, treat it as a personal data breach.
package auditfleet.controls.ico_sec_05

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "fail", "evidence": exposed} if {
	count(exposed) > 0
} else := {"status": "not_assessed", "evidence": [not_applicable]} if {
	count(paths) == 0
	count(unchecked) == 0
} else := {"status": "not_assessed", "evidence": array.concat(uncertain, checked)} if {
	count(uncertain) > 0
} else := {"status": "pass", "evidence": checked}

paths := p if {
	p := input.facts.exposure.paths
	is_array(p)
} else := []

# exposed has one evidence item per declared path that others can read
# or write, or that a web server serves.
exposed := [{
	"subject": object.get(p, "path", "unnamed path"),
	"detail": concat("; ", problems),
	"fact": sprintf("exposure.paths[%v]", [object.get(p, "path", "")]),
} |
	some p in paths
	problems := array.concat(local_access(p), served(p))
	count(problems) > 0
]

# local_access(p) says how many entries under p every local user can
# read or write.
local_access(p) := array.concat(
	[sprintf(
		"%v of %v readable by every local user%v%v",
		[p.world_readable, lib.plural(object.get(p, "entries", 0), "item"), example(p), lower_bound(p)],
	) |
		p.world_readable > 0
	],
	[sprintf("%v writable by every local user%v", [lib.plural(p.world_writable, "item"), lower_bound(p)]) |
		p.world_writable > 0
	],
)

# served(p) names each web-server root or alias that serves p.
served(p) := [sprintf("served by %v %v %v at %v (%v:%v)%v", [
	object.get(w, "server", "a web server"),
	object.get(w, "directive", "root"),
	object.get(w, "path", ""),
	location(w),
	object.get(w, "file", ""),
	object.get(w, "line", 0),
	listing(w),
]) |
	some w in p.served_by
]

listing(w) := ", with directory listing on" if {
	w.listing == true
} else := ""

location(w) := w.location if {
	w.location != ""
} else := "an unknown URL path"

example(p) := sprintf(" (e.g. %v)", [p.examples[0]]) if {
	p.examples[0]
} else := ""

lower_bound(p) := "; the walk stopped at its limit, so there may be more" if {
	p.truncated == true
} else := ""

# uncertain lists what could not be assessed: declared paths that do not
# exist or were not fully walked, register stores for this host the
# collector did not check, and web servers whose configuration could not
# be read in full (what they serve is not fully known).
uncertain := array.concat(
	array.concat(
		[{
			"subject": p.path,
			"detail": "declared as personal data but does not exist on this host, so where the data really is was not checked",
			"fact": sprintf("exposure.paths[%v].exists", [p.path]),
		} |
			some p in paths
			p.exists == false
		],
		array.concat(
			[{
				"subject": p.path,
				"detail": sprintf(
					"the walk stopped at its limit after %v, so the rest was not checked",
					[lib.plural(object.get(p, "entries", 0), "item")],
				),
				"fact": sprintf("exposure.paths[%v].truncated", [p.path]),
			} |
				some p in paths
				p.truncated == true
			],
			unchecked,
		),
	),
	unread_configs,
)

# unread_configs has one evidence item per web server with configuration
# files that could not be read in full, when personal-data paths are
# declared.
unread_configs := [{
	"subject": object.get(w, "name", "web server"),
	"detail": sprintf(
		"%v configuration could not be read in full (%v), so whether it serves a personal-data path is unknown",
		[object.get(w, "name", "web server"), concat(", ", w.unread)],
	),
	"fact": "exposure.web_servers",
} |
	count(paths) > 0
	some w in input.facts.exposure.web_servers
	count(object.get(w, "unread", [])) > 0
]

# unchecked are the personal-data stores the organisation's register
# places on this host whose path the exposure collector did not check.
unchecked := [{
	"subject": s.path,
	"detail": sprintf(
		"data store %v is declared personal data on this host but its path was not checked by the exposure collector",
		[id],
	),
	"fact": "exposure.paths",
} |
	some id, s in lib.stores
	object.get(s, "personal_data", false) == true
	not s.path in checked_paths
]

checked_paths := {p.path | some p in paths}

checked := [{
	"subject": p.path, "detail": sprintf(
		concat(" ", [
			"items checked: %v; none readable or writable by every local user",
			"(mode %v, %v:%v); not served by a web server",
		]),
		[
			object.get(p, "entries", 0),
			object.get(p, "mode", "unknown"),
			object.get(p, "owner", "?"),
			object.get(p, "group", "?"),
		],
	),
	"fact": sprintf("exposure.paths[%v]", [p.path]),
} |
	some p in paths
	p.exists == true
]

not_applicable := {
	"subject": "exposure",
	"detail": "no personal-data path is declared for this host, so the control does not apply",
	"fact": "exposure.paths",
}
