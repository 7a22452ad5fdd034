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
result := absent if {
	not has_facts
	not "accounts" in lib.failed
} else := lib.error_result("accounts") if {
	not has_facts
} else := {"status": "fail", "evidence": d} if {
	d := dormant
	count(d) > 0
} else := {"status": "not_assessed", "evidence": u} if {
	u := unknown
	count(u) > 0
} else := {"status": "pass", "evidence": [summary]}

# Every host evaluates this policy for every account, so it is written for
# OPA's evaluator: the work is done in a few rules with local variables
# (each rule or function evaluation, even a cached one, costs far more than
# an operation on a local), the passes test a field through an index
# (users[i].interactive == true; u := users[i]), about twice as fast as
# binding each account first (some u in users), cheap tests come first,
# and functions are called only for the few accounts that get past them.

# has_facts is a rule of its own: "not is_array(...)" would be undefined,
# not true, when input.facts.accounts is undefined.
has_facts if is_array(input.facts.accounts.users)

# dormant_days is the dormancy period: data.org.thresholds.dormant_days,
# default 45.
dormant_days := lib.thresholds.dormant_days

# cutoff is the latest last use that makes an account dormant (whole days
# since then >= dormant_days), in ns; cutoff_day is its day, for dates.
cutoff := time.add_date(time.now_ns(), 0, 0, 0 - dormant_days)

cutoff_day := lib.day_after(0 - dormant_days)

interactive := [u | input.facts.accounts.users[i].interactive == true; u := input.facts.accounts.users[i]]

# dormant has one evidence item per dormant account: unused since the
# cutoff (last login, or creation, approximated by the last password
# change, for an account that never logged in), not expired, and with a
# usable credential.
dormant := array.concat(by_login, by_creation) if {
	users := interactive
	limit := cutoff
	limit_day := cutoff_day
	days := dormant_days
	threshold := sprintf("%v day%v", [days, plural_s[days == 1]])
	by_login := [{"subject": u.name, "detail": detail, "fact": sprintf("accounts.users[%v].last_login", [u.name])} |
		users[i].last_login.state == "known"
		u := users[i]
		t := time.parse_rfc3339_ns(u.last_login.time)
		t <= limit
		credential(u) == "usable"
		not expired(u)
		ago := floor((time.now_ns() - t) / 86400000000000)
		detail := sprintf("last login %v day%v ago, on %v (%v); dormant after %v", [
			ago, plural_s[ago == 1],
			time.format([t, "UTC", "2006-01-02"]),
			object.get(u.last_login, "source", "source not recorded"),
			threshold,
		])
	]
	by_creation := [{"subject": u.name, "detail": detail, "fact": sprintf("accounts.users[%v].last_login", [u.name])} |
		users[i].last_login.state == "never"
		u := users[i]
		u.password.last_changed <= limit_day
		t := time.parse_ns("2006-01-02", u.password.last_changed)
		credential(u) == "usable"
		not expired(u)
		ago := floor((time.now_ns() - t) / 86400000000000)
		detail := sprintf("never logged in (%v); password last changed %v, %v day%v ago, taken as the account's creation; dormant after %v", [
			source(u),
			u.password.last_changed,
			ago, plural_s[ago == 1],
			threshold,
		])
	]
}

# plural_s gives the plural "s" of a count, keyed by count == 1.
plural_s := {true: "", false: "s"}

# unknown has one evidence item per account whose dormancy could not be
# established. Only evaluated when no account is dormant. Accounts used
# since the cutoff are skipped without a function call.
unknown := [{"subject": u.name, "detail": reason, "fact": sprintf("accounts.users[%v].last_login", [u.name])} |
	some u in interactive
	not object.get(last_login, u.name, 0) > cutoff
	not object.get(created, u.name, 0) > cutoff
	credential(u) != "none"
	not expired(u)
	reason := unknown_reason(u)
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
	t := time.parse_ns("2006-01-02", u.password.last_changed)
}

expired(u) if {
	time.parse_ns("2006-01-02", u.expires_on)
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
	"no login for %v but its password state is unknown (shadow unreadable) and it has no SSH key, so whether it can still log in is unknown",
	[lib.plural(lib.days_since(last_login[u.name]), "day")],
) if {
	last_login[u.name]
} else := "never logged in and its password state is unknown (shadow unreadable), so whether it can log in is unknown" if {
	created[u.name]
} else := "never logged in, and with no password change date its age, hence dormancy, is unknown" if {
	u.last_login.state == "never"
} else := "a last login is recorded but without a readable time, so dormancy is unknown" if {
	u.last_login.state == "known"
} else := "last login unknown: no login source could say when it last logged in"

summary := {
	"subject": "accounts", "detail": sprintf("%v; none with a usable credential has gone unused for %v or more", [
		lib.plural(count(interactive), "interactive account"),
		lib.plural(dormant_days, "day"),
	]),
	"fact": "accounts.users",
}

# absent is lib.absent_result("accounts") written out. Hosts lack a namespace
# until its collector is deployed, and a literal costs nothing to
# evaluate, where the function calls would cost more than the rest of
# this path (a test keeps the two equal).
absent := {"status": "not_assessed", "evidence": [{
	"subject": "accounts",
	"detail": "no accounts facts in this report, so the control could not be assessed",
	"fact": "accounts",
}]}
