package auditfleet.controls.ico_acc_03_test

import data.auditfleet.controls.ico_acc_03

# 2026-09-01T00:00:00Z
now := 1788220800000000000

user(name, uid, extra) := object.union(
	{
		"name": name, "uid": uid, "gid": uid, "home": sprintf("/home/%v", [name]), "shell": "/bin/bash",
		"interactive": true,
		"password": {"state": "set", "scheme": "yescrypt", "last_changed": "2026-01-10"},
		"groups": [name], "admin": false, "admin_via": [], "sudo_nopasswd": false,
		"authorized_keys": [],
		"last_login": {"state": "known", "time": "2026-08-30T09:00:00Z", "source": "wtmp"},
	},
	extra,
)

root := user("root", 0, {"home": "/root", "admin": true, "admin_via": ["uid0"]})

admin(name, via) := user(name, 1001, {"admin": true, "admin_via": via, "groups": [name, "sudo"]})

alice := admin("alice", ["group:sudo"])

bob := object.union(admin("bob", ["sudoers:/etc/sudoers.d/ops:3"]), {"sudo_nopasswd": true})

carol := user("carol", 1003, {})

host(users) := {
	"facts": {"accounts": {"users": users, "shadow_readable": true, "admin_groups": ["sudo"]}},
	"collectors": {},
	"collector_errors": [],
}

eval(users, org) := r if {
	r := ico_acc_03.result with input as host(users) with data.org as org with time.now_ns as now
}

subjects(r) := [e.subject | some e in r.evidence]

test_approved_admins_pass if {
	r := eval([root, alice, bob, carol], {"approved_admins": [{"user": "alice"}, {"user": "bob"}]})
	r.status == "pass"
	r.evidence[0] == {
		"subject": "accounts",
		"detail": "only root has UID 0; no empty passwords; 2 admin accounts besides root, all on the approved-admin list",
		"fact": "accounts.users",
	}
	r.evidence[2].detail == "admin via sudoers:/etc/sudoers.d/ops:3; on the approved-admin list; may run sudo without a password (NOPASSWD)"
}

test_no_admins_pass_without_list if {
	r := eval([root, carol], {})
	r.status == "pass"
	r.evidence == [{
		"subject": "accounts",
		"detail": "only root has UID 0; no empty passwords; 0 admin accounts besides root",
		"fact": "accounts.users",
	}]
}

test_admins_without_list_warn if {
	r := eval([root, alice, bob, carol], {})
	r.status == "warn"
	r.evidence[0].detail == "2 admin accounts; no approved-admin list to check them against"
	subjects(r) == ["accounts", "alice", "bob"]
	r.evidence[1].detail == "admin via group:sudo; no approved-admin list to check it against"
	r.evidence[2].fact == "accounts.users[bob].admin"
	contains(r.evidence[2].detail, "NOPASSWD")
}

test_unapproved_admin_fails if {
	r := eval([root, alice, bob], {"approved_admins": [{"user": "alice"}]})
	r.status == "fail"
	r.evidence[0] == {
		"subject": "bob",
		"detail": "admin via sudoers:/etc/sudoers.d/ops:3; NOT on the approved-admin list for this host; may run sudo without a password (NOPASSWD)",
		"fact": "accounts.users[bob].admin",
	}
	subjects(r) == ["bob", "alice"]
}

test_empty_approved_list_fails_every_admin if {
	r := eval([root, alice, bob], {"approved_admins": []})
	r.status == "fail"
	subjects(r) == ["alice", "bob"]
}

test_extra_uid0_fails if {
	toor := user("toor", 0, {"admin": true, "admin_via": ["uid0"], "shell": "/bin/sh"})
	r := eval([root, toor], {"approved_admins": [{"user": "toor"}]})
	r.status == "fail"
	r.evidence[0] == {"subject": "toor", "detail": "UID 0 account other than root (shell /bin/sh)", "fact": "accounts.users[toor].uid"}
}

test_extra_uid0_fails_without_list if {
	toor := user("toor", 0, {"admin": true, "admin_via": ["uid0"]})
	eval([root, toor], {}).status == "fail"
}

test_empty_password_fails if {
	games := user("games", 5, {"interactive": false, "shell": "/usr/sbin/nologin", "password": {"state": "empty"}})
	r := eval([root, games], {"approved_admins": []})
	r.status == "fail"
	r.evidence == [{
		"subject": "games",
		"detail": "empty password: logs in with no password (shell /usr/sbin/nologin)",
		"fact": "accounts.users[games].password.state",
	}]
}

test_unreadable_shadow_not_assessed if {
	inp := json.patch(host([root, alice]), [{"op": "replace", "path": "/facts/accounts/shadow_readable", "value": false}])
	r := ico_acc_03.result with input as inp with data.org as {"approved_admins": [{"user": "alice"}]} with time.now_ns as now
	r.status == "not_assessed"
	r.evidence[0].fact == "accounts.shadow_readable"
	subjects(r) == ["accounts", "alice"]
}

test_unknown_password_not_assessed if {
	dan := user("dan", 1004, {"password": {"state": "unknown"}})
	r := eval([root, dan], {"approved_admins": []})
	r.status == "not_assessed"
	subjects(r) == ["dan"]
}

test_fail_wins_over_unknown_password if {
	dan := user("dan", 1004, {"password": {"state": "unknown"}})
	toor := user("toor", 0, {})
	eval([root, dan, toor], {"approved_admins": []}).status == "fail"
}

# Missing optional fields must not drop a failure.
test_sparse_accounts_still_fail if {
	toor := {"name": "toor", "uid": 0, "admin": true, "admin_via": null, "password": {"state": "set"}}
	nobody := {"name": "nobody", "uid": 65534, "password": {"state": "empty"}}
	eve := {"name": "eve", "uid": 1010, "admin": true, "password": {"state": "set"}}
	r := eval([root, toor, nobody, eve], {"approved_admins": []})
	r.status == "fail"
	subjects(r) == ["toor", "nobody", "toor", "eve"]
	r.evidence[0].detail == "UID 0 account other than root (shell )"
	r.evidence[3].detail == "admin via an unrecorded route; NOT on the approved-admin list for this host"
}

named(users, name) := object.union(host(users), {"host": {"id": "h-1", "name": name, "tags": {}}})

eval_on(name, org) := r if {
	r := ico_acc_03.result with input as named([root, alice, bob], name) with data.org as org with time.now_ns as now
}

test_approval_limited_to_hosts if {
	org := {"approved_admins": [{"user": "alice", "hosts": ["db-*", "files-01"]}, {"user": "bob", "hosts": ["*"]}]}
	eval_on("db-07", org).status == "pass"
	eval_on("files-01", org).status == "pass"
	r := eval_on("web-01", org)
	r.status == "fail"
	r.evidence[0] == {
		"subject": "alice",
		"detail": "admin via group:sudo; NOT on the approved-admin list for this host",
		"fact": "accounts.users[alice].admin",
	}
	subjects(r) == ["alice", "bob"]
}

test_approval_without_hosts_covers_every_host if {
	eval_on("anything", {"approved_admins": [{"user": "alice"}, {"user": "bob", "hosts": ["anything"]}]}).status == "pass"
}

test_approval_globs_need_a_host_name if {
	# No input.host and no os facts: only entries without hosts approve.
	org := {"approved_admins": [{"user": "alice"}, {"user": "bob", "hosts": ["*"]}]}
	r := eval([root, alice, bob], org)
	r.status == "fail"
	subjects(r) == ["bob", "alice"]
}

test_approval_uses_os_hostname_without_input_host if {
	inp := object.union(host([root, alice]), {"facts": {"os": {"hostname": "db-02"}}})
	org := {"approved_admins": [{"user": "alice", "hosts": ["db-??"]}]}
	ico_acc_03.result.status == "pass" with input as inp with data.org as org with time.now_ns as now
}

test_unread_group_not_assessed if {
	h := object.union(host([root, alice]), {"facts": {"accounts": {"unread_sources": ["/etc/group"]}}})
	r := ico_acc_03.result with input as h with data.org as {"approved_admins": [{"user": "alice"}]} with time.now_ns as now
	r.status == "not_assessed"
	r.evidence[0] == {
		"subject": "/etc/group",
		"detail": "/etc/group could not be read in full, so accounts, admin group members or sudo rules may be missing",
		"fact": "accounts.unread_sources",
	}
}
