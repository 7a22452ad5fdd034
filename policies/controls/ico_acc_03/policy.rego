# METADATA
# title: Privileged access restricted
# description: >-
#   Only root has UID 0, no account has an empty password, and every
#   account with admin rights (UID 0, an admin group, or a sudoers rule for
#   all commands) is on the organisation's approved-admin list. Without an
#   approved-admin list the admins are listed and the control can at most
#   warn. Each approved-admin entry names a user and, optionally, the
#   hosts (glob patterns over host names) it is approved on. Admins who
#   may sudo without a password are called out.
# custom:
#   id: ICO-ACC-03
#   area: RMS
#   severity: high
#   requires:
#     facts: [accounts]
#   reads:
#     org: [approved_admins]
#   mappings:
#     cyber_essentials: ["UAC"]
#     cis_v8: ["5.1", "5.4"]
#     iso27001: ["8.2"]
#   remediation: >-
#     Give any extra UID 0 account its own UID or remove it; set or lock the
#     password of accounts with an empty one (passwd --lock). Remove admin
#     rights (admin group membership, sudoers rules) from accounts not on
#     the approved-admin list, or have the list updated through its owner.
#     Publish an approved-admin list (data.org.approved_admins) so that
#     admin rights can be checked, and prefer sudo rules that require a
#     password.
package auditfleet.controls.ico_acc_03

import data.auditfleet.lib

# result is the control's outcome for this host.
result := absent if {
	not has_facts
	not "accounts" in lib.failed
} else := lib.error_result("accounts") if {
	not has_facts
} else := {"status": "fail", "evidence": array.concat(checks.failures, checks.admin_notes)} if {
	count(checks.failures) > 0
} else := {"status": "not_assessed", "evidence": array.concat(checks.unknown, checks.admin_notes)} if {
	count(checks.unknown) > 0
} else := {"status": "warn", "evidence": array.concat([summary], checks.admin_notes)} if {
	not approved_list
	checks.admins > 0
} else := {"status": "pass", "evidence": array.concat([summary], checks.admin_notes)}

# has_facts is a rule of its own: "not is_array(...)" would be undefined,
# not true, when input.facts.accounts is undefined.
has_facts if is_array(input.facts.accounts.users)

# approved_list is true when the organisation publishes an approved-admin
# list (data.org.approved_admins), even an empty one.
default approved_list := false

approved_list if is_array(data.org.approved_admins)

# checks runs every test over the accounts. Every host evaluates it, so it
# is written for OPA's evaluator: one rule with local variables rather
# than a rule per list, passes that test a field through an index
# (users[i].uid == 0; u := users[i]), about twice as fast as binding each
# account first (some u in users), and a comprehension over a condition
# alone ([x | cond; x := ...]) standing for "x if cond". Evidence reads
# optional fields with object.get: an undefined value would silently drop
# the item, and with it a failure.
checks := {
	"failures": array.concat(array.concat(extra_uid0, empty_passwords), unapproved),
	"unknown": array.concat(shadow_unreadable, unknown_passwords),
	"admin_notes": admin_notes,
	"admins": count(admins),
} if {
	users := input.facts.accounts.users

	extra_uid0 := [{
		"subject": u.name,
		"detail": sprintf("UID 0 account other than root (shell %v)", [object.get(u, "shell", "")]),
		"fact": sprintf("accounts.users[%v].uid", [u.name]),
	} |
		users[i].uid == 0
		u := users[i]
		u.name != "root"
	]

	# One pass finds both empty passwords and unknown password states.
	doubtful := [u | users[i].password.state in {"empty", "unknown", ""}; u := users[i]]
	empty_passwords := [{
		"subject": u.name,
		"detail": sprintf("empty password: logs in with no password (shell %v)", [object.get(u, "shell", "")]),
		"fact": sprintf("accounts.users[%v].password.state", [u.name]),
	} |
		some u in doubtful
		u.password.state == "empty"
	]

	# Empty passwords cannot be ruled out when shadow is unreadable (one
	# item says so) or an account has no shadow entry (one item each).
	shadow_unreadable := [{
		"subject": "accounts",
		"detail": "/etc/shadow could not be read, so empty passwords could not be checked",
		"fact": "accounts.shadow_readable",
	} |
		input.facts.accounts.shadow_readable == false
	]
	unknown_passwords := [{
		"subject": u.name,
		"detail": "password state unknown (no shadow entry), so an empty password could not be ruled out",
		"fact": sprintf("accounts.users[%v].password.state", [u.name]),
	} |
		input.facts.accounts.shadow_readable != false
		some u in doubtful
		u.password.state != "empty"
	]

	# admins are the accounts other than root that can act as root; with an
	# approved-admin list, those not on it fail.
	# An approved-admin entry {user, hosts} approves its user on the hosts
	# its globs name (every host when hosts is absent). Only entries for
	# this host's admins are matched against the host name.
	admins := [u | users[i].admin == true; u := users[i]; u.name != "root"]
	admin_names := {u.name | some u in admins}
	approved := {a.user |
		some a in data.org.approved_admins
		a.user in admin_names
		lib.host_matches(object.get(a, "hosts", null))
	}
	unlisted := {u.name | approved_list; some u in admins; not u.name in approved}
	nopasswd := {true: "; may run sudo without a password (NOPASSWD)", false: ""}
	unapproved := [{
		"subject": u.name,
		"detail": sprintf("admin via %v; NOT on the approved-admin list for this host%v", [via(u), nopasswd[object.get(u, "sudo_nopasswd", false) == true]]),
		"fact": sprintf("accounts.users[%v].admin", [u.name]),
	} |
		some u in admins
		u.name in unlisted
	]

	# admin_notes lists every other admin: how it got its rights, whether
	# the list has it, and NOPASSWD.
	standing := {true: "on the approved-admin list", false: "no approved-admin list to check it against"}[approved_list]
	admin_notes := [{
		"subject": u.name,
		"detail": sprintf("admin via %v; %v%v", [via(u), standing, nopasswd[object.get(u, "sudo_nopasswd", false) == true]]),
		"fact": sprintf("accounts.users[%v].admin", [u.name]),
	} |
		some u in admins
		not u.name in unlisted
	]
}

# via(u) says how an admin got its rights, e.g. "group:sudo, uid0".
via(u) := concat(", ", u.admin_via) if {
	count(u.admin_via) > 0
} else := "an unrecorded route"

summary := {"subject": "accounts", "detail": sprintf("%v; no approved-admin list to check them against", [lib.plural(checks.admins, "admin account")]), "fact": "accounts.users"} if {
	not approved_list
	checks.admins > 0
} else := {"subject": "accounts", "detail": sprintf("only root has UID 0; no empty passwords; %v besides root, all on the approved-admin list", [lib.plural(checks.admins, "admin account")]), "fact": "accounts.users"} if {
	checks.admins > 0
} else := {"subject": "accounts", "detail": "only root has UID 0; no empty passwords; 0 admin accounts besides root", "fact": "accounts.users"}

# absent is lib.absent_result("accounts") written out. Hosts lack a namespace
# until its collector is deployed, and a literal costs nothing to
# evaluate, where the function calls would cost more than the rest of
# this path (a test keeps the two equal).
absent := {"status": "not_assessed", "evidence": [{
	"subject": "accounts",
	"detail": "no accounts facts in this report, so the control could not be assessed",
	"fact": "accounts",
}]}
