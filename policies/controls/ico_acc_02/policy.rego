# METADATA
# title: Leavers' access removed
# description: >-
#   Nobody on the organisation's leavers list (data.org.leavers) can still
#   get in once their leave date has come: no usable account of theirs (a
#   password or an authorised SSH key, not expired), no SSH key of theirs
#   authorised for another usable account, and no sudo rule naming them. A
#   key is recognised as theirs by its comment: their email address, or
#   their user name before an "@" (as ssh-keygen writes it). Without a
#   leavers list the control is not assessed.
# custom:
#   id: ICO-ACC-02
#   area: RMS
#   severity: critical
#   requires:
#     facts: [accounts]
#     org: [leavers]
#   mappings:
#     cyber_essentials: ["UAC"]
#     cis_v8: ["6.2"]
#     iso27001: ["5.18"]
#   remediation: >-
#     On the leave date, lock and expire the leaver's account (usermod
#     --lock --expiredate 1), remove their SSH keys from every account's
#     authorized_keys (shared and service accounts included) and delete
#     sudoers rules naming them. Rotate any shared credential they knew, and
#     make the leavers process do this automatically.
package auditfleet.controls.ico_acc_02

import data.auditfleet.lib

# result is the control's outcome for this host.
result := absent if {
	not has_facts
	not "accounts" in lib.failed
} else := lib.error_result("accounts") if {
	not has_facts
} else := {"status": "not_assessed", "evidence": [no_list]} if {
	not has_list
} else := {"status": "fail", "evidence": items.fail} if {
	count(items.fail) > 0
} else := {"status": "not_assessed", "evidence": items.unknown} if {
	count(items.unknown) > 0
} else := {"status": "pass", "evidence": array.concat([summary], items.ok)}

# has_facts is a rule of its own: "not is_array(...)" would be undefined,
# not true, when input.facts.accounts is undefined.
has_facts if is_array(input.facts.accounts.users)

has_list if is_array(data.org.leavers)

# The leavers list belongs to the whole organisation and may be long, and
# every host evaluates this policy, so the list is read in one cheap pass
# that indexes it by user name (an object comprehension), and the host's
# names are picked out of the index by object.filter, in Go. Leavers'
# email addresses are indexed only on a host with a key whose comment,
# before "@", is not an account here: the only way an email can match.
items := {level: [i.evidence | some i in assessed; i.level == level] | some level in {"fail", "unknown", "ok"}} if {
	today := lib.today
	found := object.union(object.filter(by_user, host_ids), by_email)
	assessed := [leaver(l) |
		some l in found
		l.left_on <= today
	]
}

# by_user indexes the leavers by user name. The server and orgdata
# provide the index ready made (data.org.leavers_by_user, built once per
# upload); without it, it is built here, on every evaluation.
by_user := x if {
	x := data.org.leavers_by_user
	is_object(x)
} else := {l.user: l | l := data.org.leavers[_]}

# leaver_emails indexes the leavers by email address, likewise.
leaver_emails := x if {
	x := data.org.leavers_by_email
	is_object(x)
} else := {l.email: l | l := data.org.leavers[_]; is_string(l.email)}

# by_email are the leavers whose email address is a key comment here,
# keyed by user name.
by_email := {l.user: l |
	count(locals - accounts) > 0
	some l in object.filter(leaver_emails, comments)
}

users := input.facts.accounts.users

accounts := {n | n := users[_].name}

comments := {c | c := users[_].authorized_keys[_].comment; is_string(c)}

# locals are the key comments' parts before "@".
locals := {split(c, "@")[0] | some c in comments}

sudo_rules := r if {
	r := input.facts.accounts.sudo_rules
	is_array(r)
} else := []

# host_ids are the names this host knows: account names, sudo rule
# principals, and the key comments' parts before "@".
host_ids := (accounts | locals) | {p | p := sudo_rules[_].principal}

# leaver(l) assesses one leaver found on this host: level "fail" when
# something of theirs is usable, "unknown" when it cannot be told, "ok"
# when everything of theirs is locked or expired.
leaver(l) := {"level": level, "evidence": {"subject": l.user, "detail": detail, "fact": "accounts.users"}} if {
	parts := array.concat(
		array.concat(
			[own(u) | some u in users; u.name == l.user],
			[key(u, k) | some u in users; u.name != l.user; some k in u.authorized_keys; theirs(k, l)],
		),
		[{"level": "fail", "text": sprintf("sudo rule %v:%v names them", [object.get(r, "file", "sudoers"), object.get(r, "line", 0)])} |
			some r in sudo_rules
			r.principal == l.user
		],
	)
	levels := {p.level | some p in parts}
	level := top(levels)
	detail := sprintf("left on %v: %v", [l.left_on, concat("; ", [p.text | some p in parts])])
}

top(levels) := "fail" if {
	"fail" in levels
} else := "unknown" if {
	"unknown" in levels
} else := "ok"

# theirs(k, l) is true when key k's comment names leaver l.
theirs(k, l) if {
	is_string(k.comment)
	k.comment == l.email
} else if {
	is_string(k.comment)
	split(k.comment, "@")[0] == l.user
}

own(u) := {"level": level_of[state], "text": sprintf("account %v %v", [u.name, own_wording[state]])} if {
	state := account_state(u)
}

key(u, k) := {"level": level_of[state], "text": sprintf("SSH key %v (%v) authorised for account %v, which %v", [
	k.comment,
	object.get(k, "fingerprint", "no fingerprint"),
	u.name,
	key_wording[state],
])} if {
	state := account_state(u)
}

level_of := {"usable": "fail", "unknown": "unknown", "disabled": "ok"}

own_wording := {
	"usable": "can still log in (not expired, with a password or an SSH key)",
	"unknown": "exists and its password state is unknown (shadow unreadable), so whether it can log in is unknown",
	"disabled": "is locked or expired",
}

key_wording := {
	"usable": "can log in",
	"unknown": "may be able to log in (password state unknown)",
	"disabled": "is locked or expired",
}

# account_state(u) is "disabled" (expired, or no password and no key),
# "usable" (a password is set or empty, or a key is authorised) or
# "unknown" (shadow could not say, and no key).
account_state(u) := "disabled" if {
	is_string(u.expires_on)
	u.expires_on <= lib.today
} else := "usable" if {
	u.password.state in {"set", "empty"}
} else := "usable" if {
	count(u.authorized_keys) > 0
} else := "unknown" if {
	object.get(u, ["password", "state"], "unknown") == "unknown"
} else := "disabled"

no_list := {"subject": "leavers", "detail": "no leavers list in the organisation data (data.org.leavers), so leavers' access could not be checked", "fact": "data.org.leavers"}

summary := {"subject": "leavers", "detail": sprintf("%v listed; none whose leave date has passed has a usable account, SSH key or sudo rule on this host", [lib.plural(count(data.org.leavers), "leaver")]), "fact": "accounts.users"}

# absent is lib.absent_result("accounts") written out. Hosts lack a namespace
# until its collector is deployed, and a literal costs nothing to
# evaluate, where the function calls would cost more than the rest of
# this path (a test keeps the two equal).
absent := {"status": "not_assessed", "evidence": [{
	"subject": "accounts",
	"detail": "no accounts facts in this report, so the control could not be assessed",
	"fact": "accounts",
}]}
