package auditfleet.controls.ico_acc_02_test

import data.auditfleet.controls.ico_acc_02

# 2026-09-01T00:00:00Z
now := 1788220800000000000

user(name, extra) := object.union(
	{
		"name": name, "uid": 1000, "gid": 1000, "home": sprintf("/home/%v", [name]), "shell": "/bin/bash",
		"interactive": true, "password": {"state": "set", "scheme": "yescrypt", "last_changed": "2026-01-10"},
		"groups": [name], "admin": false, "admin_via": [], "sudo_nopasswd": false, "authorized_keys": [],
		"last_login": {"state": "known", "time": "2026-08-30T09:00:00Z", "source": "wtmp"},
	},
	extra,
)

key(comment) := {"file": "/home/x/.ssh/authorized_keys", "line": 1, "type": "ssh-ed25519", "fingerprint": sprintf("SHA256:%v", [comment]), "comment": comment, "file_mod_time": "2026-01-01T00:00:00Z"}

locked := {"password": {"state": "locked", "scheme": "yescrypt"}}

alice := user("alice", {"authorized_keys": [key("alice@laptop")]})

leavers := [
	{"user": "jbloggs", "email": "j.bloggs@example.gov.uk", "left_on": "2026-08-01"},
	{"user": "asmith", "email": "a.smith@example.gov.uk", "left_on": "2026-10-01"},
	{"user": "old", "left_on": "2024-01-01"},
]

host(users, rules) := {"facts": {"accounts": {"users": users, "sudo_rules": rules, "shadow_readable": true}}, "collector_errors": []}

eval(users, rules, org) := r if {
	r := ico_acc_02.result with input as host(users, rules) with data.org as indexed(org) with time.now_ns as now
}

# indexed(org) is the organisation data as the engine gives it: with the
# leavers indexed by user and email (orgdata.AddLeaverIndexes).
indexed(org) := object.union(org, {
	"leavers_by_user": {l.user: l | some l in org.leavers},
	"leavers_by_email": {l.email: l | some l in org.leavers; is_string(l.email)},
})

subjects(r) := [e.subject | some e in r.evidence]

test_no_leaver_present_passes if {
	r := eval([alice, user("asmith", {})], [], {"leavers": leavers})
	r.status == "pass"
	r.evidence == [{
		"subject": "leavers",
		"detail": "3 leavers listed; none whose leave date has passed has a usable account, SSH key or sudo rule on this host",
		"fact": "accounts.users",
	}]
}

test_usable_account_fails if {
	r := eval([alice, user("jbloggs", {})], [], {"leavers": leavers})
	r.status == "fail"
	r.evidence == [{
		"subject": "jbloggs",
		"detail": "left on 2026-08-01: account jbloggs can still log in (not expired, with a password or an SSH key)",
		"fact": "accounts.users",
	}]
}

test_key_only_account_fails if {
	r := eval([user("jbloggs", object.union(locked, {"authorized_keys": [key("jb@desk")]}))], [], {"leavers": leavers})
	r.status == "fail"
}

test_locked_or_expired_account_passes if {
	r := eval([alice, user("jbloggs", locked), user("old", {"expires_on": "2024-01-02"})], [], {"leavers": leavers})
	r.status == "pass"
	subjects(r) == ["leavers", "jbloggs", "old"]
	r.evidence[1].detail == "left on 2026-08-01: account jbloggs is locked or expired"
}

test_leave_date_not_yet_reached if {
	eval([user("asmith", {})], [], {"leavers": leavers}).status == "pass"
	eval([user("asmith", {})], [], {"leavers": [{"user": "asmith", "left_on": "2026-09-01"}]}).status == "fail"
}

test_key_on_shared_account_fails if {
	deploy := user("deploy", object.union(locked, {"authorized_keys": [key("ci@runner"), key("j.bloggs@example.gov.uk")]}))
	r := eval([alice, deploy], [], {"leavers": leavers})
	r.status == "fail"
	r.evidence == [{
		"subject": "jbloggs",
		"detail": "left on 2026-08-01: SSH key j.bloggs@example.gov.uk (SHA256:j.bloggs@example.gov.uk) authorised for account deploy, which can log in",
		"fact": "accounts.users",
	}]
}

test_key_matched_by_user_name_before_at if {
	deploy := user("deploy", {"authorized_keys": [key("jbloggs@old-laptop")]})
	r := eval([deploy], [], {"leavers": leavers})
	r.status == "fail"
	contains(r.evidence[0].detail, "SSH key jbloggs@old-laptop")
}

test_key_on_expired_account_passes if {
	deploy := user("deploy", {"expires_on": "2026-01-01", "authorized_keys": [key("jbloggs@old-laptop")]})
	eval([deploy], [], {"leavers": leavers}).status == "pass"
}

test_sudo_rule_naming_leaver_fails if {
	rules := [
		{"file": "/etc/sudoers.d/ops", "line": 3, "principal": "jbloggs", "users": [], "commands": ["ALL"], "all_commands": true, "nopasswd": false},
		{"file": "/etc/sudoers", "line": 50, "principal": "%sudo", "users": ["alice"], "commands": ["ALL"], "all_commands": true, "nopasswd": false},
	]
	r := eval([alice], rules, {"leavers": leavers})
	r.status == "fail"
	r.evidence[0].detail == "left on 2026-08-01: sudo rule /etc/sudoers.d/ops:3 names them"
}

test_everything_in_one_item if {
	rules := [{"file": "/etc/sudoers.d/ops", "line": 3, "principal": "jbloggs", "users": ["jbloggs"], "commands": ["ALL"], "all_commands": true, "nopasswd": false}]
	deploy := user("deploy", {"authorized_keys": [key("jbloggs@desk")]})
	r := eval([user("jbloggs", {}), deploy], rules, {"leavers": leavers})
	r.evidence == [{
		"subject": "jbloggs",
		"detail": "left on 2026-08-01: account jbloggs can still log in (not expired, with a password or an SSH key); SSH key jbloggs@desk (SHA256:jbloggs@desk) authorised for account deploy, which can log in; sudo rule /etc/sudoers.d/ops:3 names them",
		"fact": "accounts.users",
	}]
}

test_unknown_password_not_assessed if {
	r := eval([user("jbloggs", {"password": {"state": "unknown"}})], [], {"leavers": leavers})
	r.status == "not_assessed"
	r.evidence[0].detail == "left on 2026-08-01: account jbloggs exists and its password state is unknown (shadow unreadable), so whether it can log in is unknown"
}

test_empty_leavers_list_passes if {
	eval([alice], [], {"leavers": []}).status == "pass"
}

test_unread_sudoers_not_assessed if {
	h := object.union(host([alice], []), {"facts": {"accounts": {"unread_sources": ["/etc/sudoers.d/ops"]}}})
	r := ico_acc_02.result with input as h with data.org as indexed({"leavers": leavers}) with time.now_ns as now
	r.status == "not_assessed"
	r.evidence[0].subject == "/etc/sudoers.d/ops"
	r.evidence[0].fact == "accounts.unread_sources"
}

test_unread_sources_do_not_hide_a_failure if {
	h := object.union(host([user("jbloggs", {})], []), {"facts": {"accounts": {"unread_sources": ["/etc/sudoers"]}}})
	r := ico_acc_02.result with input as h with data.org as indexed({"leavers": leavers}) with time.now_ns as now
	r.status == "fail"
}
