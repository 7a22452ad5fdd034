# METADATA
# title: Secure baseline
# description: >-
#   The host meets the organisation's secure baseline: the OpenSSH server
#   refuses root logins (other than forced commands), passwords, keyboard-
#   interactive and empty-password logins, globally and in Match blocks;
#   and every port reachable from the network (bound to a non-loopback
#   address, TCP or UDP) is on the organisation's allowed-ports list
#   (data.org.baseline.allowed_ports). Without that list, a host with
#   network-reachable ports is not assessed, as is a host whose sshd
#   configuration could not be read in full (cut short, unparseable),
#   unless what was read already deviates.
# custom:
#   id: ICO-SEC-04
#   area: RMS
#   severity: medium
#   requires:
#     facts: [baseline]
#   reads:
#     org: [baseline]
#   mappings:
#     cyber_essentials: ["SC"]
#     cis_v8: ["4.1"]
#     iso27001: ["8.9"]
#   remediation: >-
#     Set PermitRootLogin no, PasswordAuthentication no,
#     KbdInteractiveAuthentication no and PermitEmptyPasswords no in
#     /etc/ssh/sshd_config (and in any Match block that overrides them),
#     then reload sshd. Stop or firewall services listening on ports that
#     are not on the allowed-ports list, bind local-only services to
#     127.0.0.1, or have the list updated through its owner.
package auditfleet.controls.ico_sec_04

import data.auditfleet.lib

# result is the control's outcome for this host.
result := {"status": "fail", "evidence": deviations} if {
	count(deviations) > 0
} else := {"status": "not_assessed", "evidence": sshd_unread} if {
	count(sshd_unread) > 0
} else := {"status": "not_assessed", "evidence": [sockets_unknown, sshd_summary]} if {
	input.facts.baseline.listening == null
} else := {"status": "not_assessed", "evidence": array.concat(unlisted_ports, [sshd_summary])} if {
	count(unlisted_ports) > 0
} else := {"status": "pass", "evidence": [sshd_summary, ports_summary]}

deviations := array.concat(array.concat(sshd_global, sshd_match), unexpected_ports)

# sshd_global has one evidence item per global sshd setting that deviates.
sshd_global := [{"subject": sprintf("sshd:%v", [name]), "detail": detail, "fact": sprintf("baseline.sshd.%v", [key])} |
	sshd := input.facts.baseline.sshd
	is_object(sshd)
	some key, bad in insecure
	value := object.get(sshd, key, null)
	value in bad
	name := keywords[key]
	detail := sprintf("%v %v: %v", [name, wording(value), effects[key]])
]

# sshd_unread has one evidence item per sshd configuration file that
# could not be read in full: the effective settings are then unknown,
# unlike an sshd that is not installed (sshd null).
sshd_unread := [{
	"subject": "sshd",
	"detail": sprintf("configuration not read in full, so the settings in force are unknown: %v", [why]),
	"fact": "baseline.sshd.unread",
} |
	some why in input.facts.baseline.sshd.unread
]

# insecure maps each checked setting to the values that deviate.
insecure := {
	"permit_root_login": {"yes", "prohibit-password"},
	"password_authentication": {true},
	"kbd_interactive_authentication": {true},
	"permit_empty_passwords": {true},
}

keywords := {
	"permit_root_login": "PermitRootLogin",
	"password_authentication": "PasswordAuthentication",
	"kbd_interactive_authentication": "KbdInteractiveAuthentication",
	"permit_empty_passwords": "PermitEmptyPasswords",
}

effects := {
	"permit_root_login": "root can log in over SSH, so actions are not attributable to a person",
	"password_authentication": "passwords are accepted over SSH, open to guessing and reuse",
	"kbd_interactive_authentication": "keyboard-interactive logins (normally a password prompt) are accepted over SSH",
	"permit_empty_passwords": "accounts with an empty password can log in over SSH",
}

wording(v) := "yes" if {
	v == true
} else := v

# sshd_match has one evidence item per Match block setting that turns a
# checked setting back on for the connections it matches.
sshd_match := [{
	"subject": sprintf("sshd:Match %v:%v", [o.criteria, o.keyword]),
	"detail": detail,
	"fact": "baseline.sshd.match_overrides",
} |
	some o in input.facts.baseline.sshd.match_overrides
	o.value in match_insecure[o.keyword]
	detail := sprintf(
		"Match %v sets %v %v (%v:%v)",
		[o.criteria, o.keyword, o.value, object.get(o, "file", ""), object.get(o, "line", 0)],
	)
]

match_insecure := {
	"permitrootlogin": {"yes", "prohibit-password", "without-password"},
	"passwordauthentication": {"yes"},
	"kbdinteractiveauthentication": {"yes"},
	"challengeresponseauthentication": {"yes"},
	"permitemptypasswords": {"yes"},
}

# exposed are the sockets reachable from the network; subjects names each
# distinct protocol and port among them ("tcp/8080").
exposed := [s | some s in input.facts.baseline.listening; s.loopback == false]

default allow_list := false

allow_list if is_array(data.org.baseline.allowed_ports)

allowed := {p | some p in data.org.baseline.allowed_ports}

# port_items has one evidence item per protocol/port reachable from the
# network and not allowed (all of them when there is no allow-list),
# naming the addresses and processes. One pass groups the sockets.
port_items := [{"subject": subject, "detail": detail, "fact": "baseline.listening"} |
	some subject in {sprintf("%v/%v", [s.protocol, s.port]) | some s in exposed; not s.port in allowed}
	matching := [s | some s in exposed; sprintf("%v/%v", [s.protocol, s.port]) == subject]
	addresses := concat(", ", sort({s.address | some s in matching}))
	processes := concat(", ", sort({s.process | some s in matching; s.process != ""}))
	detail := sprintf("%v reachable from the network on %v (%v); %v", [subject, addresses, by(processes), standing])
]

standing := "not on the allowed-ports list" if {
	allow_list
} else := "no allowed-ports list (data.org.baseline.allowed_ports) to check it against"

by(processes) := sprintf("process %v", [processes]) if {
	processes != ""
} else := "process unknown"

unexpected_ports := port_items if allow_list

else := []

unlisted_ports := [] if allow_list

else := port_items

sshd_summary := {"subject": "sshd", "detail": "no OpenSSH server installed", "fact": "baseline.sshd"} if {
	not is_object(object.get(input.facts.baseline, "sshd", null))
} else := {
	"subject": "sshd",
	"detail": concat(" ", [
		"PermitRootLogin, PasswordAuthentication, KbdInteractiveAuthentication and",
		"PermitEmptyPasswords are off, and no Match block turns them on",
	]),
	"fact": "baseline.sshd",
}

sockets_unknown := {
	"subject": "ports",
	"detail": concat(" ", [
		"the listening sockets could not be read (no /proc/net under the host",
		"root, or a table there unreadable, missing or cut short), so the ports",
		"could not be checked",
	]),
	"fact": "baseline.listening",
}

ports_summary := {
	"subject": "ports",
	"detail": sprintf(
		"%v reachable from the network, all on the allowed-ports list",
		[lib.plural(count({s.port | some s in exposed}), "port")],
	),
	"fact": "baseline.listening",
}
