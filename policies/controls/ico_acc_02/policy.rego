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
result := {"status": "fail", "evidence": items.fail} if {
	count(items.fail) > 0
} else := {"status": "not_assessed", "evidence": unread} if {
	count(unread) > 0
} else := {"status": "not_assessed", "evidence": items.unknown} if {
	count(items.unknown) > 0
} else := {"status": "pass", "evidence": array.concat([summary], items.ok)}

# items are the evidence of the leavers found on this host whose leave
# date has come, by level: "fail", "unknown" and "ok".
items := {level: [a.evidence | some a in assessed; a.level == level] | some level in {"fail", "unknown", "ok"}}

# assessed has one entry per leaver found on this host whose leave date
# has come.
assessed := [leaver(l) |
	some l in found
	l.left_on <= lib.today
]

# found are the leavers this host knows by user name, or by the email
# address in a key comment, keyed by user name. The leavers are looked up
# in the indexes of data.org.leavers the engine adds (leavers_by_user and
# leavers_by_email).
found := object.union(object.filter(data.org.leavers_by_user, host_ids), by_email)

# by_email are the leavers whose email address is a key comment here,
# keyed by user name. Only a comment that is not an account here, before
# "@", can be one.
by_email := {l.user: l |
	count(locals - accounts) > 0
	some l in object.filter(data.org.leavers_by_email, comments)
}

users := input.facts.accounts.users

# unread says which account databases that name leavers (/etc/passwd,
# sudoers and its includes) could not be read in full: a leaver's account
# or sudo rule may be missing.
unread := [{
	"subject": s,
	"detail": sprintf("%v could not be read in full, so a leaver's account or sudo rule may be missing", [s]),
	"fact": "accounts.unread_sources",
} |
	some s in object.get(input.facts.accounts, "unread_sources", [])
	s != "/etc/group"
]

accounts := {u.name | some u in users}

comments := {k.comment |
	some u in users
	some k in u.authorized_keys
	is_string(k.comment)
}

# locals are the key comments' parts before "@".
locals := {split(c, "@")[0] | some c in comments}

sudo_rules := r if {
	r := input.facts.accounts.sudo_rules
	is_array(r)
} else := []

# host_ids are the names this host knows: account names, sudo rule
# principals, and the key comments' parts before "@".
host_ids := (accounts | locals) | {r.principal | some r in sudo_rules}

# leaver(l) assesses one leaver found on this host: level "fail" when
# something of theirs is usable, "unknown" when it cannot be told, "ok"
# when everything of theirs is locked or expired.
leaver(l) := {"level": top({p.level | some p in parts}), "evidence": evidence} if {
	parts := array.concat(array.concat(own_parts(l), key_parts(l)), sudo_parts(l))
	detail := sprintf("left on %v: %v", [l.left_on, concat("; ", [p.text | some p in parts])])
	evidence := {"subject": l.user, "detail": detail, "fact": "accounts.users"}
}

own_parts(l) := [own(u) | some u in users; u.name == l.user]

key_parts(l) := [key(u, k) |
	some u in users
	u.name != l.user
	some k in u.authorized_keys
	theirs(k, l)
]

sudo_parts(l) := [{"level": "fail", "text": sprintf("sudo rule %v:%v names them", [file, line])} |
	some r in sudo_rules
	r.principal == l.user
	file := object.get(r, "file", "sudoers")
	line := object.get(r, "line", 0)
]

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

key(u, k) := {"level": level_of[state], "text": text} if {
	state := account_state(u)
	text := sprintf("SSH key %v (%v) authorised for account %v, which %v", [
		k.comment,
		object.get(k, "fingerprint", "no fingerprint"),
		u.name,
		key_wording[state],
	])
}

level_of := {"usable": "fail", "unknown": "unknown", "disabled": "ok"}

own_wording := {
	"usable": "can still log in (not expired, with a password or an SSH key)",
	"unknown": concat(" ", [
		"exists and its password state is unknown (shadow unreadable),",
		"so whether it can log in is unknown",
	]),
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

summary := {
	"subject": "leavers",
	"detail": sprintf(
		"%v listed; none whose leave date has passed has a usable account, SSH key or sudo rule on this host",
		[lib.plural(count(data.org.leavers), "leaver")],
	),
	"fact": "accounts.users",
}
