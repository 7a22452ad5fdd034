# METADATA
# title: Dormant accounts disabled
# description: >-
#   Interactive accounts that can still be used (not expired, with a
#   password set, an empty password or an authorised SSH key) have logged in
#   recently: no login for the dormancy period (45 days by default), or
#   never logged in though the account is older than that, is a failure.
#   Account age is taken from the last password change. An account whose
#   last login cannot be established is not assessed; unknown is never a
#   pass.
# custom:
#   id: ICO-ACC-01
#   area: RMS
#   severity: high
#   requires:
#     facts: [accounts]
#   reads:
#     org: [thresholds]
#   mappings:
#     cyber_essentials: ["UAC"]
#     cis_v8: ["5.3"]
#     iso27001: ["5.18"]
#   remediation: >-
#     Lock or expire each dormant account (usermod --lock --expiredate 1) and
#     remove its authorized_keys, or delete it if it is no longer needed.
#     Confirm with the account's owner and line manager that access is still
#     required before re-enabling it.
package auditfleet.controls.ico_acc_01

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "fail", "evidence": dormant} if {
	count(dormant) > 0
} else := {"status": "not_assessed", "evidence": unread} if {
	count(unread) > 0
} else := {"status": "not_assessed", "evidence": unknown} if {
	count(unknown) > 0
} else := {"status": "pass", "evidence": [summary]}

# dormant_days is the dormancy period: data.org.thresholds.dormant_days,
# default 45.
dormant_days := lib.thresholds.dormant_days

# cutoff is the latest last use that makes an account dormant (whole days
# since then >= dormant_days), in ns; cutoff_day is its day, for dates.
cutoff := time.add_date(time.now_ns(), 0, 0, 0 - dormant_days)

cutoff_day := lib.day_after(0 - dormant_days)

interactive := [u | some u in input.facts.accounts.users; u.interactive == true]

# unread says that /etc/passwd could not be read in full, so accounts may
# be missing from the users.
unread := [{
	"subject": s,
	"detail": sprintf("%v could not be read in full, so accounts may be missing", [s]),
	"fact": "accounts.unread_sources",
} |
	some s in object.get(input.facts.accounts, "unread_sources", [])
	s == "/etc/passwd"
]

# dormant has one evidence item per dormant account: unused since the
# cutoff (last login, or creation, approximated by the last password
# change, for an account that never logged in), not expired, and with a
# usable credential.
dormant := array.concat(dormant_by_login, dormant_by_creation)

dormant_by_login := [dormant_evidence(u, detail) |
	some u in interactive
	u.last_login.state == "known"
	t := time.parse_rfc3339_ns(u.last_login.time)
	t <= cutoff
	can_log_in(u)
	detail := sprintf("last login %v ago, on %v (%v); dormant after %v", [
		lib.plural(lib.days_since(t), "day"),
		lib.day(t),
		object.get(u.last_login, "source", "source not recorded"),
		lib.plural(dormant_days, "day"),
	])
]

dormant_by_creation := [dormant_evidence(u, detail) |
	some u in interactive
	u.last_login.state == "never"
	u.password.last_changed <= cutoff_day
	t := lib.date_ns(u.password.last_changed)
	can_log_in(u)
	detail := sprintf(
		"never logged in (%v); password last changed %v, %v ago, taken as the account's creation; dormant after %v",
		[source(u), u.password.last_changed, lib.plural(lib.days_since(t), "day"), lib.plural(dormant_days, "day")],
	)
]

dormant_evidence(u, detail) := {"subject": u.name, "detail": detail, "fact": last_login_fact(u)}

last_login_fact(u) := sprintf("accounts.users[%v].last_login", [u.name])

# can_log_in(u) is true when u has a usable credential and has not expired.
can_log_in(u) if {
	credential(u) == "usable"
	not expired(u)
}

# unknown has one evidence item per account whose dormancy could not be
# established: neither used since the cutoff nor dormant.
unknown := [{"subject": u.name, "detail": unknown_reason(u), "fact": last_login_fact(u)} |
	some u in interactive
	not object.get(last_login, u.name, 0) > cutoff
	not object.get(created, u.name, 0) > cutoff
	credential(u) != "none"
	not expired(u)
]

# last_login maps interactive accounts with a readable last login to its
# time in ns; created maps those that never logged in to their
# approximate creation, the last password change.
last_login := {u.name: t |
	some u in interactive
	u.last_login.state == "known"
	t := time.parse_rfc3339_ns(u.last_login.time)
}

created := {u.name: t |
	some u in interactive
	u.last_login.state == "never"
	t := lib.date_ns(u.password.last_changed)
}

expired(u) if {
	lib.date_ns(u.expires_on)
	u.expires_on <= lib.today
}

# credential(u) is "usable" (a password is set, or empty, or an SSH key is
# authorised), "unknown" (shadow could not be read and no key is
# authorised) or "none".
credential(u) := "usable" if {
	u.password.state in {"set", "empty"}
} else := "usable" if {
	count(u.authorized_keys) > 0
} else := "unknown" if {
	object.get(u, ["password", "state"], "unknown") == "unknown"
} else := "none"

source(u) := sprintf("per %v", [u.last_login.source]) if {
	object.get(u.last_login, "source", "") != ""
} else := "per the login records"

# unknown_reason(u) says why an account that is neither recently used nor
# dormant could not be assessed.
unknown_reason(u) := sprintf(
	"no login for %v but its password state is unknown (shadow unreadable) and it has no SSH key, %v",
	[lib.plural(lib.days_since(last_login[u.name]), "day"), "so whether it can still log in is unknown"],
) if {
	last_login[u.name]
} else := concat(" ", [
	"never logged in and its password state is unknown (shadow unreadable),",
	"so whether it can log in is unknown",
]) if {
	created[u.name]
} else := "never logged in, and with no password change date its age, hence dormancy, is unknown" if {
	u.last_login.state == "never"
} else := "a last login is recorded but without a readable time, so dormancy is unknown" if {
	u.last_login.state == "known"
} else := "last login unknown: no login source could say when it last logged in"

summary := {
	"subject": "accounts",
	"detail": sprintf("%v; none with a usable credential has gone unused for %v or more", [
		lib.plural(count(interactive), "interactive account"),
		lib.plural(dormant_days, "day"),
	]),
	"fact": "accounts.users",
}
