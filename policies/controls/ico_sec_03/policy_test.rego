package auditfleet.controls.ico_sec_03_test

import data.auditfleet.controls.ico_sec_03

# 2026-09-01T00:00:00Z
now := 1788220800000000000

python311 := {"name": "python", "version": "3.11.2", "cycle": "3.11", "path": "/usr/bin/python3.11", "package": "python3.11", "eol": "2027-10-31"}

node16 := {"name": "nodejs", "version": "16.20.2", "cycle": "16", "path": "/opt/node-v16/bin/node", "package": "", "eol": "2023-09-11"}

perl := {"name": "perl", "version": "5.36.0", "cycle": "5.36", "path": "/usr/bin/perl", "package": "perl-base"}

packages(foreign, runtimes) := {
	"manager": "dpkg", "installed": 612,
	"repositories": ["http://deb.debian.org/debian bookworm/main", "http://security.debian.org/debian-security bookworm-security/main"],
	"foreign": foreign, "runtimes": runtimes,
	"runtime_lifecycle": "endoflife-date/endoflife.date@a70eca3",
	"unread_sources": [],
}

lz4_list := "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"

# unread_lz4 are facts whose main list could not be read: foreign unknown.
unread_lz4(runtimes) := object.union(packages(null, runtimes), {"unread_sources": [{"path": lz4_list, "reason": "lz4: bad magic number"}]})

eval(facts) := r if {
	r := ico_sec_03.result with input as {"facts": {"packages": facts}, "collector_errors": []} with time.now_ns as now
}

subjects(r) := [e.subject | some e in r.evidence]

test_supported_software_passes if {
	r := eval(packages([], [python311]))
	r.status == "pass"
	r.evidence == [{
		"subject": "packages",
		"detail": "612 packages installed, all provided by the configured repositories (2); 1 language runtime, none past end of life",
		"fact": "packages",
	}]
}

test_foreign_package_fails if {
	r := eval(packages([{"name": "acme-agent", "version": "4.2.0", "architecture": "amd64"}], [python311]))
	r.status == "fail"
	r.evidence == [{
		"subject": "acme-agent",
		"detail": "package acme-agent 4.2.0 (amd64) is installed but no configured repository provides it, so nothing will update it",
		"fact": "packages.foreign[acme-agent]",
	}]
}

test_runtime_past_eol_fails if {
	r := eval(packages([], [python311, node16, perl]))
	r.status == "fail"
	r.evidence == [{
		"subject": "/opt/node-v16/bin/node",
		"detail": "nodejs 16.20.2 (cycle 16, not from a package) reached end of life on 2023-09-11",
		"fact": "packages.runtimes[/opt/node-v16/bin/node].eol",
	}]
}

test_eol_today_fails if {
	r := eval(packages([], [object.union(python311, {"eol": "2026-09-01"})]))
	r.status == "fail"
	r.evidence[0].detail == "python 3.11.2 (cycle 3.11, package python3.11) reached end of life on 2026-09-01"
	eval(packages([], [object.union(python311, {"eol": "2026-09-02"})])).status == "pass"
}

test_unknown_eol_not_assessed if {
	r := eval(packages([], [python311, perl]))
	r.status == "not_assessed"
	r.evidence[0] == {
		"subject": "/usr/bin/perl",
		"detail": "perl 5.36.0: end of life unknown (not in the lifecycle data), so whether it is supported is unknown",
		"fact": "packages.runtimes[/usr/bin/perl].eol",
	}
	subjects(r) == ["/usr/bin/perl", "packages"]
	eval(packages([], [object.union(perl, {"eol": null})])).status == "not_assessed"
}

test_fail_wins_over_unknown if {
	r := eval(packages([{"name": "acme-agent", "version": "4.2.0", "architecture": "amd64"}], [perl, node16]))
	r.status == "fail"
	subjects(r) == ["acme-agent", "/opt/node-v16/bin/node"]
}

# Missing optional fields must not drop a failure.
test_sparse_facts_still_fail if {
	r := eval({"foreign": [{}], "runtimes": [{"eol": "2020-01-01"}]})
	r.status == "fail"
	subjects(r) == ["unnamed package", "runtime"]
}

test_unread_list_is_not_assessed if {
	r := eval(unread_lz4([python311]))
	r.status == "not_assessed"
	r.evidence == [
		{
			"subject": lz4_list,
			"detail": "package list not read (lz4: bad magic number): packages only it provides cannot be told from foreign ones",
			"fact": "packages.unread_sources",
		},
		{
			"subject": "packages",
			"detail": "which installed packages no configured repository provides is unknown",
			"fact": "packages.foreign",
		},
		{
			"subject": "packages",
			"detail": concat(" ", [
				"612 packages installed, not all known to be provided by the configured repositories",
				"(2); 1 language runtime, none past end of life",
			]),
			"fact": "packages",
		},
	]
}

test_runtime_past_eol_fails_despite_unread_list if {
	r := eval(unread_lz4([python311, node16]))
	r.status == "fail"
	subjects(r) == ["/opt/node-v16/bin/node"]
}

test_foreign_missing_is_not_assessed if {
	r := eval(object.remove(packages([], [python311]), ["foreign"]))
	r.status == "not_assessed"
	subjects(r) == ["packages", "packages"]
}
