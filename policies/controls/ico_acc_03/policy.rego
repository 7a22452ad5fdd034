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
#     facts: [os]
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
result := {"status": "fail", "evidence": array.concat(failures, admin_notes)} if {
	count(failures) > 0
} else := {"status": "not_assessed", "evidence": array.concat(unknown, admin_notes)} if {
	count(unknown) > 0
} else := {"status": "warn", "evidence": array.concat([summary], admin_notes)} if {
	not approved_list
	count(admins) > 0
} else := {"status": "pass", "evidence": array.concat([summary], admin_notes)}

users := input.facts.accounts.users

# approved_list is true when the organisation publishes an approved-admin
# list (data.org.approved_admins), even an empty one.
default approved_list := false

approved_list if is_array(data.org.approved_admins)

# failures are extra UID 0 accounts, empty passwords and admins not on the
# approved-admin list.
failures := array.concat(array.concat(extra_uid0, empty_passwords), unapproved)

# unknown says why empty passwords or admins could not be ruled out:
# shadow is unreadable (one item), accounts have no shadow entry (one
# item each), or an account database could not be read in full (one item
# each).
unknown := array.concat(array.concat(shadow_unreadable, unknown_passwords), unread)

unread := [{
	"subject": s,
	"detail": sprintf("%v could not be read in full, so accounts, admin group members or sudo rules may be missing", [s]),
	"fact": "accounts.unread_sources",
} |
	some s in object.get(input.facts.accounts, "unread_sources", [])
]

extra_uid0 := [{
	"subject": u.name,
	"detail": sprintf("UID 0 account other than root (shell %v)", [object.get(u, "shell", "")]),
	"fact": sprintf("accounts.users[%v].uid", [u.name]),
} |
	some u in users
	u.uid == 0
	u.name != "root"
]

empty_passwords := [{
	"subject": u.name,
	"detail": sprintf("empty password: logs in with no password (shell %v)", [object.get(u, "shell", "")]),
	"fact": password_fact(u),
} |
	some u in users
	u.password.state == "empty"
]

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
	"fact": password_fact(u),
} |
	input.facts.accounts.shadow_readable != false
	some u in users
	u.password.state in {"unknown", ""}
]

password_fact(u) := sprintf("accounts.users[%v].password.state", [u.name])

# admins are the accounts other than root that can act as root.
admins := [u | some u in users; u.admin == true; u.name != "root"]

# approved are the admins an approved-admin entry {user, hosts} approves on
# this host: its globs name the host (every host when hosts is absent).
approved := {a.user |
	some a in data.org.approved_admins
	a.user in admin_names
	lib.host_matches(object.get(a, "hosts", null))
}

admin_names := {u.name | some u in admins}

# unlisted are the admins missing from the approved-admin list, when there
# is one.
unlisted := {u.name | approved_list; some u in admins; not u.name in approved}

# unapproved has one failure per unlisted admin.
unapproved := [{
	"subject": u.name,
	"detail": sprintf("admin via %v; NOT on the approved-admin list for this host%v", [via(u), nopasswd(u)]),
	"fact": sprintf("accounts.users[%v].admin", [u.name]),
} |
	some u in admins
	u.name in unlisted
]

# admin_notes lists every other admin: how it got its rights, whether
# the list has it, and NOPASSWD.
admin_notes := [{
	"subject": u.name,
	"detail": sprintf("admin via %v; %v%v", [via(u), standing, nopasswd(u)]),
	"fact": sprintf("accounts.users[%v].admin", [u.name]),
} |
	some u in admins
	not u.name in unlisted
]

standing := "on the approved-admin list" if {
	approved_list
} else := "no approved-admin list to check it against"

nopasswd(u) := "; may run sudo without a password (NOPASSWD)" if {
	u.sudo_nopasswd == true
} else := ""

# via(u) says how an admin got its rights, e.g. "group:sudo, uid0".
via(u) := concat(", ", u.admin_via) if {
	count(u.admin_via) > 0
} else := "an unrecorded route"

summary := {"subject": "accounts", "detail": summary_detail, "fact": "accounts.users"}

summary_detail := sprintf("%v; no approved-admin list to check them against", [admin_count]) if {
	not approved_list
	count(admins) > 0
} else := sprintf(
	"only root has UID 0; no empty passwords; %v besides root, all on the approved-admin list",
	[admin_count],
) if {
	count(admins) > 0
} else := "only root has UID 0; no empty passwords; 0 admin accounts besides root"

admin_count := lib.plural(count(admins), "admin account")
