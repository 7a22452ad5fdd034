package auditfleet.controls.ico_sec_02_test

import data.auditfleet.controls.ico_sec_02

# 2026-09-01T00:00:00Z
now := 1788220800000000000

update(pkg, since) := {
	"package": pkg, "installed_version": "1.0-1", "candidate_version": "1.0-2",
	"origin": "Debian-Security:12/stable-security", "advisories": ["DSA-1234-1"],
	"pending_since": since,
}

patching(pending) := {
	"manager": "apt",
	"index_refreshed": "2026-08-31T06:00:00Z",
	"automatic_updates": {"enabled": true, "mechanism": "unattended-upgrades", "source": "/etc/apt/apt.conf.d/20auto-upgrades", "last_run": "2026-08-31T06:20:00Z"},
	"pending": pending,
	"unread_sources": [],
}

lz4_list := "/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4"

unread_lz4 := [{"path": lz4_list, "reason": "lz4: bad magic number"}]

host(facts) := {"facts": {"patching": facts}, "collectors": {}, "collector_errors": []}

eval(facts) := r if {
	r := ico_sec_02.result with input as host(facts) with data.org as {} with time.now_ns as now
}

subjects(r) := [e.subject | some e in r.evidence]

test_nothing_pending_passes if {
	r := eval(patching([]))
	r.status == "pass"
	r.evidence == [{
		"subject": "patching",
		"detail": "0 security updates pending, none for over 14 days; package index refreshed 2026-08-31; automatic updates by unattended-upgrades",
		"fact": "patching.pending",
	}]
}

test_recent_updates_pass if {
	# Exactly 14 days is not over 14 days.
	r := eval(patching([update("curl", "2026-08-18T00:00:00Z"), update("libxml2", "2026-08-30T12:00:00.25Z")]))
	r.status == "pass"
	r.evidence[0].detail == "2 security updates pending, none for over 14 days; package index refreshed 2026-08-31; automatic updates by unattended-upgrades"
}

test_overdue_update_fails if {
	r := eval(patching([
		update("curl", "2026-08-17T23:59:59Z"),
		update("libxml2", "2026-08-30T12:00:00Z"),
		object.union(update("openssl", "2026-07-01T00:00:00Z"), {"advisories": []}),
	]))
	r.status == "fail"
	subjects(r) == ["curl", "openssl"]
	r.evidence[0] == {
		"subject": "curl",
		"detail": "security update to 1.0-2 (DSA-1234-1, from Debian-Security:12/stable-security) pending 14 days, since 2026-08-17; the patch window is 14 days",
		"fact": "patching.pending[curl].pending_since",
	}
	r.evidence[1].detail == "security update to 1.0-2 (from Debian-Security:12/stable-security) pending 62 days, since 2026-07-01; the patch window is 14 days"
}

test_overdue_names_where_its_date_comes_from if {
	source := "first seen pending in report r1 collected 2026-07-01T00:00:00Z (the server's record)"
	r := eval(patching([object.union(update("curl", "2026-07-01T00:00:00Z"), {"pending_since_source": source})]))
	r.status == "fail"
	r.evidence[0].detail == sprintf("security update to 1.0-2 (DSA-1234-1, from Debian-Security:12/stable-security) pending 62 days, since 2026-07-01 (%v); the patch window is 14 days", [source])
}

test_overdue_wins_over_warnings if {
	facts := object.union(patching([update("curl", "2026-01-01T00:00:00Z")]), {"index_refreshed": null, "automatic_updates": {"enabled": false}})
	eval(facts).status == "fail"
}

test_patch_days_configurable if {
	facts := patching([update("curl", "2026-08-20T00:00:00Z")])
	ico_sec_02.result.status == "fail" with input as host(facts) with data.org as {"thresholds": {"patch_days": 7}} with time.now_ns as now
	ico_sec_02.result.status == "pass" with input as host(facts) with data.org as {"thresholds": {"patch_days": 14}} with time.now_ns as now
}

test_stale_index_warns if {
	r := eval(object.union(patching([]), {"index_refreshed": "2026-07-20T06:00:00Z"}))
	r.status == "warn"
	r.evidence[0] == {
		"subject": "package-index",
		"detail": "package index last refreshed 42 days ago, on 2026-07-20: updates published since then are not listed, so overdue updates may be missed",
		"fact": "patching.index_refreshed",
	}
	r.evidence[1].subject == "patching"
}

test_unknown_index_warns if {
	r := eval(object.union(patching([]), {"index_refreshed": null}))
	r.status == "warn"
	r.evidence[0].detail == "when the package index was last refreshed is unknown, so the pending updates may be incomplete"
	r.evidence[1].detail == "0 security updates pending, none for over 14 days; package index refresh time unknown; automatic updates by unattended-upgrades"
}

test_no_automatic_updates_warns if {
	r := eval(object.union(patching([]), {"automatic_updates": {"enabled": false, "mechanism": "", "source": "", "last_run": null}}))
	r.status == "warn"
	subjects(r) == ["automatic-updates", "patching"]
	endswith(r.evidence[1].detail, "; no automatic updates")
	eval(json.remove(patching([]), ["automatic_updates"])).status == "warn"
}

# A malformed fact must not drop a failure.
test_malformed_pending_since_still_fails if {
	r := eval(patching([{"package": "curl", "pending_since": 20260101}]))
	r.status == "fail"
	r.evidence[0].detail == "security update pending since 20260101, which is not a timestamp; the patch window is 14 days"
}

test_unread_index_is_not_assessed if {
	r := eval(object.union(patching([update("curl", "2026-08-30T12:00:00Z")]), {"unread_sources": unread_lz4}))
	r.status == "not_assessed"
	r.evidence == [{
		"subject": lz4_list,
		"detail": "package index not read (lz4: bad magic number): the security updates it lists are unknown",
		"fact": "patching.unread_sources",
	}]
}

test_unread_index_with_nothing_read_is_not_assessed if {
	r := eval(object.union(patching([]), {"unread_sources": unread_lz4}))
	r.status == "not_assessed"
	subjects(r) == [lz4_list]
}

test_overdue_fails_despite_unread_index if {
	r := eval(object.union(patching([update("openssl", "2026-07-01T00:00:00Z")]), {"unread_sources": unread_lz4}))
	r.status == "fail"
	subjects(r) == ["openssl"]
}

test_malformed_unread_source_is_not_assessed if {
	r := eval(object.union(patching([]), {"unread_sources": ["?"]}))
	r.status == "not_assessed"
	r.evidence[0].detail == "package index not read (no reason given): the security updates it lists are unknown"
}
