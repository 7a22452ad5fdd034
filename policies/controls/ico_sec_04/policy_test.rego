package auditfleet.controls.ico_sec_04_test

import data.auditfleet.controls.ico_sec_04

hardened := {
	"config_files": ["/etc/ssh/sshd_config"], "permit_root_login": "no",
	"password_authentication": false, "kbd_interactive_authentication": false, "permit_empty_passwords": false,
	"ports": [22], "match_overrides": [],
}

socket(proto, addr, port, process) := {"protocol": proto, "address": addr, "port": port, "loopback": addr in {"127.0.0.1", "::1"}, "process": process, "pid": 100}

sockets := [
	socket("tcp", "0.0.0.0", 22, "sshd"),
	socket("tcp", "::", 22, "sshd"),
	socket("tcp", "0.0.0.0", 443, "nginx"),
	socket("tcp", "127.0.0.1", 5432, "postgres"),
	socket("udp", "127.0.0.1", 323, "chronyd"),
]

baseline(sshd, listening) := {"sshd": sshd, "listening": listening}

org := {"baseline": {"allowed_ports": [22, 443]}}

eval(facts, o) := r if {
	r := ico_sec_04.result with input as {"facts": {"baseline": facts}, "collector_errors": []} with data.org as o
}

subjects(r) := [e.subject | some e in r.evidence]

test_baseline_met_passes if {
	r := eval(baseline(hardened, sockets), org)
	r.status == "pass"
	r.evidence == [
		{"subject": "sshd", "detail": "PermitRootLogin, PasswordAuthentication, KbdInteractiveAuthentication and PermitEmptyPasswords are off, and no Match block turns them on", "fact": "baseline.sshd"},
		{"subject": "ports", "detail": "2 ports reachable from the network, all on the allowed-ports list", "fact": "baseline.listening"},
	]
}

test_no_sshd_passes if {
	r := eval(baseline(null, [socket("tcp", "0.0.0.0", 443, "nginx")]), org)
	r.status == "pass"
	r.evidence[0].detail == "no OpenSSH server installed"
}

test_insecure_sshd_fails if {
	sshd := object.union(hardened, {"permit_root_login": "prohibit-password", "password_authentication": true, "permit_empty_passwords": true})
	r := eval(baseline(sshd, sockets), org)
	r.status == "fail"
	subjects(r) == ["sshd:PasswordAuthentication", "sshd:PermitEmptyPasswords", "sshd:PermitRootLogin"]
	r.evidence[2] == {
		"subject": "sshd:PermitRootLogin",
		"detail": "PermitRootLogin prohibit-password: root can log in over SSH, so actions are not attributable to a person",
		"fact": "baseline.sshd.permit_root_login",
	}
	r.evidence[0].detail == "PasswordAuthentication yes: passwords are accepted over SSH, open to guessing and reuse"
}

test_forced_commands_only_allowed if {
	eval(baseline(object.union(hardened, {"permit_root_login": "forced-commands-only"}), sockets), org).status == "pass"
}

test_match_override_fails if {
	sshd := object.union(hardened, {"match_overrides": [
		{"criteria": "User backup", "keyword": "forcecommand", "value": "internal-sftp", "file": "/etc/ssh/sshd_config", "line": 130},
		{"criteria": "Address 10.0.0.0/8", "keyword": "passwordauthentication", "value": "yes", "file": "/etc/ssh/sshd_config", "line": 140},
	]})
	r := eval(baseline(sshd, sockets), org)
	r.status == "fail"
	r.evidence == [{
		"subject": "sshd:Match Address 10.0.0.0/8:passwordauthentication",
		"detail": "Match Address 10.0.0.0/8 sets passwordauthentication yes (/etc/ssh/sshd_config:140)",
		"fact": "baseline.sshd.match_overrides",
	}]
}

test_unlisted_port_fails if {
	listening := array.concat(sockets, [socket("tcp", "0.0.0.0", 8080, "java"), socket("tcp", "::", 8080, "java"), socket("udp", "0.0.0.0", 161, "snmpd")])
	r := eval(baseline(hardened, listening), org)
	r.status == "fail"
	r.evidence == [
		{"subject": "tcp/8080", "detail": "tcp/8080 reachable from the network on 0.0.0.0, :: (process java); not on the allowed-ports list", "fact": "baseline.listening"},
		{"subject": "udp/161", "detail": "udp/161 reachable from the network on 0.0.0.0 (process snmpd); not on the allowed-ports list", "fact": "baseline.listening"},
	]
}

test_loopback_ports_need_no_allowance if {
	eval(baseline(hardened, sockets), {"baseline": {"allowed_ports": [22, 443]}}).status == "pass"
	eval(baseline(hardened, [socket("tcp", "127.0.0.1", 8080, "")]), {"baseline": {"allowed_ports": []}}).status == "pass"
}

test_without_allow_list_not_assessed if {
	r := eval(baseline(hardened, sockets), {})
	r.status == "not_assessed"
	r.evidence[0] == {"subject": "tcp/22", "detail": "tcp/22 reachable from the network on 0.0.0.0, :: (process sshd); no allowed-ports list (data.org.baseline.allowed_ports) to check it against", "fact": "baseline.listening"}
	subjects(r) == ["tcp/22", "tcp/443", "sshd"]
}

test_without_allow_list_sshd_still_fails if {
	eval(baseline(object.union(hardened, {"password_authentication": true}), sockets), {}).status == "fail"
}

test_without_allow_list_nothing_exposed_passes if {
	r := eval(baseline(hardened, [socket("tcp", "127.0.0.1", 5432, "postgres")]), {})
	r.status == "pass"
	r.evidence[1].detail == "0 ports reachable from the network, all on the allowed-ports list"
}

test_unknown_process_named_as_such if {
	r := eval(baseline(hardened, [socket("tcp", "10.0.0.5", 9100, "")]), org)
	r.evidence[0].detail == "tcp/9100 reachable from the network on 10.0.0.5 (process unknown); not on the allowed-ports list"
}

test_unknown_sockets_not_assessed if {
	r := ico_sec_04.result with input as {"facts": {"baseline": {"sshd": null, "listening": null}}, "collector_errors": []}
		with data.org as {"baseline": {"allowed_ports": [22]}}
	r.status == "not_assessed"
	r.evidence[0].detail == "the listening sockets could not be read (no /proc/net under the host root, or a table there unreadable, missing or cut short), so the ports could not be checked"
}

test_sshd_config_unread_not_assessed if {
	cut := object.union(hardened, {"unread": ["/etc/ssh/sshd_config: its last line \"M\" does not end in a newline: cut short"]})
	r := eval(baseline(cut, sockets), org)
	r.status == "not_assessed"
	r.evidence == [{
		"subject": "sshd",
		"detail": "configuration not read in full, so the settings in force are unknown: /etc/ssh/sshd_config: its last line \"M\" does not end in a newline: cut short",
		"fact": "baseline.sshd.unread",
	}]
}

test_sshd_config_unread_still_fails_on_what_was_read if {
	cut := object.union(hardened, {"password_authentication": true, "unread": ["/etc/ssh/sshd_config.d/x.conf: cut short"]})
	r := eval(baseline(cut, sockets), org)
	r.status == "fail"
	subjects(r) == ["sshd:PasswordAuthentication"]
}

test_no_sshd_is_not_unread if {
	r := eval(baseline(null, sockets), org)
	r.status == "pass"
}
