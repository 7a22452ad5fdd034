package auditfleet.controls.ico_acc_01_test

import data.auditfleet.controls.ico_acc_01

# 2026-09-01T00:00:00Z
now := 1788220800000000000

# user(name, login, extra) is an interactive account with a password set,
# last login at RFC 3339 time login, merged with extra.
user(name, login, extra) := object.union(
	{
		"name": name, "uid": 1000, "gid": 1000, "home": sprintf("/home/%v", [name]), "shell": "/bin/bash",
		"interactive": true,
		"password": {"state": "set", "scheme": "yescrypt", "last_changed": "2025-01-10"},
		"groups": [name], "admin": false, "admin_via": [], "sudo_nopasswd": false,
		"authorized_keys": [],
		"last_login": {"state": "known", "time": login, "source": "wtmp", "tty": "pts/0"},
	},
	extra,
)

never := {"last_login": {"state": "never", "source": "lastlog2"}}

unknown := {"last_login": {"state": "unknown"}}

key := {"authorized_keys": [{"file": "/home/x/.ssh/authorized_keys", "line": 1, "type": "ssh-ed25519", "fingerprint": "SHA256:abc"}]}

locked := {"password": {"state": "locked", "scheme": "yescrypt", "last_changed": "2025-01-10"}}

service := {"interactive": false, "shell": "/usr/sbin/nologin", "password": {"state": "disabled"}}

host(users) := {
	"facts": {"accounts": {"users": users, "shadow_readable": true}},
	"collectors": {"accounts": {"collector": "accounts", "namespace": "accounts"}},
	"collector_errors": [],
}

eval(users) := r if {
	r := ico_acc_01.result with input as host(users) with data.org as {} with time.now_ns as now
}

subjects(r) := [e.subject | some e in r.evidence]

test_all_active_passes if {
	r := eval([
		user("alice", "2026-08-30T09:00:00Z", {}),
		user("bob", "2026-07-18T00:00:01Z", {}), # just under 45 days
		user("svc", "2020-01-01T00:00:00Z", service),
	])
	r.status == "pass"
	r.evidence == [{
		"subject": "accounts",
		"detail": "2 interactive accounts; none with a usable credential has gone unused for 45 days or more",
		"fact": "accounts.users",
	}]
}

test_dormant_login_fails if {
	r := eval([
		user("alice", "2026-08-30T09:00:00Z", {}),
		user("carol", "2026-07-18T00:00:00Z", {}), # 45 days: the threshold
		user("cleo", "2026-07-18T00:00:01Z", {}), # a second short of it
		user("dave", "2026-03-05T10:00:00Z", {}),
	])
	r.status == "fail"
	subjects(r) == ["carol", "dave"]
	r.evidence[0] == {
		"subject": "carol",
		"detail": "last login 45 days ago, on 2026-07-18 (wtmp); dormant after 45 days",
		"fact": "accounts.users[carol].last_login",
	}
}

test_never_logged_in_old_account_fails if {
	r := eval([user("erin", "", never)])
	r.status == "fail"
	r.evidence == [{
		"subject": "erin",
		"detail": "never logged in (per lastlog2); password last changed 2025-01-10, 599 days ago, taken as the account's creation; dormant after 45 days",
		"fact": "accounts.users[erin].last_login",
	}]
}

test_never_logged_in_new_account_passes if {
	extra := object.union(never, {"password": {"state": "set", "last_changed": "2026-08-20"}})
	eval([user("frank", "", extra)]).status == "pass"
}

test_key_counts_as_credential if {
	r := eval([user("gina", "2026-01-01T00:00:00Z", object.union(locked, key))])
	r.status == "fail"
	subjects(r) == ["gina"]
}

test_empty_password_counts_as_credential if {
	eval([user("hank", "2026-01-01T00:00:00Z", {"password": {"state": "empty"}})]).status == "fail"
}

test_unusable_or_expired_accounts_ignored if {
	r := eval([
		user("ivan", "2025-01-01T00:00:00Z", locked),
		user("judy", "2025-01-01T00:00:00Z", {"password": {"state": "disabled"}}),
		user("kim", "2025-01-01T00:00:00Z", {"expires_on": "2026-09-01"}),
		user("svc", "2020-01-01T00:00:00Z", service),
		user("alice", "2026-08-30T09:00:00Z", {}),
	])
	r.status == "pass"
	r.evidence[0].detail == "4 interactive accounts; none with a usable credential has gone unused for 45 days or more"
}

test_future_expiry_still_assessed if {
	eval([user("leo", "2025-01-01T00:00:00Z", {"expires_on": "2026-09-02"})]).status == "fail"
}

test_unknown_login_not_assessed if {
	r := eval([
		user("alice", "2026-08-30T09:00:00Z", {}),
		user("mia", "", unknown),
	])
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "mia",
		"detail": "last login unknown: no login source could say when it last logged in",
		"fact": "accounts.users[mia].last_login",
	}]
}

test_never_without_creation_date_not_assessed if {
	ned := json.remove(user("ned", "", never), ["password/last_changed"])
	r := eval([ned])
	r.status == "not_assessed"
	subjects(r) == ["ned"]
}

test_unreadable_login_time_not_assessed if {
	eval([user("olga", "last tuesday", {})]).status == "not_assessed"
}

test_unknown_credential_not_assessed if {
	r := eval([user("pat", "2026-01-01T00:00:00Z", {"password": {"state": "unknown"}})])
	r.status == "not_assessed"
	subjects(r) == ["pat"]
}

test_unknown_credential_recent_login_passes if {
	eval([user("quin", "2026-08-30T09:00:00Z", {"password": {"state": "unknown"}})]).status == "pass"
}

test_fail_wins_over_unknown if {
	r := eval([
		user("dave", "2026-03-05T10:00:00Z", {}),
		user("mia", "", unknown),
	])
	r.status == "fail"
	subjects(r) == ["dave"]
}

test_dormant_days_configurable if {
	users := [user("rob", "2026-07-01T00:00:00Z", {})] # 62 days
	r := ico_acc_01.result with input as host(users) with data.org as {"thresholds": {"dormant_days": 90}} with time.now_ns as now
	r.status == "pass"
	r30 := ico_acc_01.result with input as host(users) with data.org as {"thresholds": {"dormant_days": 30}} with time.now_ns as now
	r30.status == "fail"
	r30.evidence[0].detail == "last login 62 days ago, on 2026-07-01 (wtmp); dormant after 30 days"
}

# Missing optional fields must not drop a failure.
test_sparse_dormant_account_still_fails if {
	sparse := {"name": "sam", "interactive": true, "password": {"state": "set"}, "last_login": {"state": "known", "time": "2026-01-01T00:00:00Z"}}
	r := eval([sparse])
	r.status == "fail"
	r.evidence[0].detail == "last login 243 days ago, on 2026-01-01 (source not recorded); dormant after 45 days"
}

test_unread_passwd_not_assessed if {
	h := object.union(host([user("alice", "2026-08-30T09:00:00Z", {})]), {"facts": {"accounts": {"unread_sources": ["/etc/passwd", "/etc/group"]}}})
	r := ico_acc_01.result with input as h with data.org as {} with time.now_ns as now
	r.status == "not_assessed"
	r.evidence == [{"subject": "/etc/passwd", "detail": "/etc/passwd could not be read in full, so accounts may be missing", "fact": "accounts.unread_sources"}]
}

test_unread_group_alone_still_passes if {
	h := object.union(host([user("alice", "2026-08-30T09:00:00Z", {})]), {"facts": {"accounts": {"unread_sources": ["/etc/group"]}}})
	r := ico_acc_01.result with input as h with data.org as {} with time.now_ns as now
	r.status == "pass"
}
