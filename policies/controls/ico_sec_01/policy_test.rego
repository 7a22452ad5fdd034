package auditfleet.controls.ico_sec_01_test

import data.auditfleet.controls.ico_sec_01

# Evaluation times (UTC midnight).
jan_2026 := 1767225600000000000 # 2026-01-01

sep_2026 := 1788220800000000000 # 2026-09-01

mar_2028 := 1835481600000000000 # 2028-03-01

aug_2028 := 1848700800000000000 # 2028-08-01

# A small lifecycle document in the generated layout, so the tests do not
# move when the real data is regenerated.
lifecycle := {
	"source": {"repository": "example/eol", "commit": "abc123"},
	"os_release_ids": {
		"debian": ["debian"],
		"ubuntu": ["ubuntu"],
		"fedora": ["fedora"],
		"ol": ["oracle-linux"],
		"centos": ["centos-stream", "centos"],
	},
	"products": {
		"debian": {
			"title": "Debian",
			"match": {"ids": ["debian"], "version_components": [1]},
			"extended_support": {"kind": "free", "name": "Debian LTS"},
			"releases": {
				"10": {"codename": "Buster", "eol": "2022-09-10", "eoes": "2024-06-30"},
				"12": {"codename": "Bookworm", "eol": "2026-07-11", "eoes": "2028-06-30"},
				"13": {"codename": "Trixie", "eol": "2028-08-09", "eoes": "2030-06-30"},
			},
		},
		"ubuntu": {
			"title": "Ubuntu",
			"match": {"ids": ["ubuntu"], "version_components": [2]},
			"extended_support": {"kind": "paid", "name": "Ubuntu Pro ESM", "entitlement": "ubuntu-pro"},
			"releases": {
				"16.04": {"codename": "Xenial Xerus", "eol": "2021-04-02", "eoes": "2026-04-02"},
				"20.04": {"codename": "Focal Fossa", "eol": "2025-05-31", "eoes": "2030-04-02"},
				"23.10": {"codename": "Mantic Minotaur", "eol": "2024-07-12"},
				"24.04": {"codename": "Noble Numbat", "eol": "2029-05-31", "eoes": "2036-05-31"},
			},
		},
		"fedora": {
			"title": "Fedora Linux",
			"match": {"ids": ["fedora"], "version_components": [1]},
			"releases": {
				"1": {"eol": true},
				"40": {"eol": "2025-05-13"},
				"44": {"eol": "2027-06-02"},
			},
		},
		"oracle-linux": {
			"title": "Oracle Linux",
			"match": {"ids": ["ol"], "version_components": [1]},
			"extended_support": {"kind": "paid", "name": "Oracle Linux Extended Support", "entitlement": "oracle-extended-support"},
			"releases": {"10": {"eol": false, "eoes": false}},
		},
		"centos-stream": {
			"title": "CentOS Stream",
			"match": {"ids": ["centos"], "name_contains": "stream", "version_components": [1]},
			"releases": {"9": {"eol": "2027-05-31"}},
		},
		"centos": {
			"title": "CentOS",
			"match": {"ids": ["centos"], "name_contains": "centos linux", "version_components": [1]},
			"releases": {"7": {"eol": "2024-06-30"}},
		},
	},
}

host(os) := {"facts": {"os": os}, "collectors": {}, "collector_errors": []}

debian(version) := {
	"family": "linux", "id": "debian", "name": "Debian GNU/Linux",
	"pretty_name": sprintf("Debian GNU/Linux %v", [version]),
	"version_id": version, "version_codename": "bookworm", "entitlements": [],
}

ubuntu(version, entitlements) := {
	"family": "linux", "id": "ubuntu", "name": "Ubuntu",
	"pretty_name": sprintf("Ubuntu %v LTS", [version]),
	"version_id": version, "version_codename": "", "entitlements": entitlements,
}

os(id, name, version) := {"family": "linux", "id": id, "name": name, "pretty_name": name, "version_id": version}

eval(inp, now) := r if {
	r := ico_sec_01.result with input as inp with data.lifecycle as lifecycle with time.now_ns as now
}

eval_org(inp, org, now) := r if {
	r := ico_sec_01.result with input as inp with data.lifecycle as lifecycle with data.org as org with time.now_ns as now
}

eval_entitled(inp, entitlements, now) := r if {
	r := ico_sec_01.result with input as inp with data.lifecycle as lifecycle with data.org as {"entitlements": entitlements}
		with time.now_ns as now
}

detail(r) := r.evidence[0].detail

test_supported_passes if {
	r := eval(host(debian("13")), sep_2026)
	r.status == "pass"
	detail(r) == "Debian 13 (bookworm): regular security support until 2028-08-09; free Debian LTS until 2030-06-30"
	r.evidence[0].subject == "os"
	r.evidence[0].fact == "os.version_id"
	r.sources == {"lifecycle": "example/eol@abc123"}
}

test_free_extended_support_passes_after_eol if {
	r := eval(host(debian("12")), sep_2026)
	r.status == "pass"
	detail(r) == "Debian 12 (bookworm): regular security support ended 2026-07-11; free Debian LTS until 2028-06-30"
}

test_free_extended_support_is_the_effective_end if {
	# 2026-07-11 is within 180 days of jan_2026, but LTS carries on to 2028.
	eval(host(debian("12")), jan_2026).status == "pass"
}

test_warns_before_effective_end if {
	r := eval(host(debian("12")), mar_2028)
	r.status == "warn"
	detail(r) == "Debian 12 (bookworm): regular security support ended 2026-07-11; free Debian LTS until 2028-06-30; support ends in 121 days (warning from 180 days)"
}

test_warn_days_configurable if {
	eval_org(host(debian("12")), {"thresholds": {"os_warn_days": 90}}, mar_2028).status == "pass"
	eval_org(host(debian("12")), {"thresholds": {"os_warn_days": 121}}, mar_2028).status == "warn"

	# A threshold of the wrong type is ignored: the default applies.
	eval_org(host(debian("12")), {"thresholds": {"os_warn_days": "90"}}, mar_2028).status == "warn"
}

test_fails_after_extended_support_ends if {
	r := eval(host(debian("12")), aug_2028)
	r.status == "fail"
	detail(r) == "Debian 12 (bookworm): regular security support ended 2026-07-11; free Debian LTS ended 2028-06-30"
}

test_fails_after_eol_without_extended_support if {
	r := eval(host(os("fedora", "Fedora Linux", "40")), sep_2026)
	r.status == "fail"
	detail(r) == "Fedora Linux 40: security support ended 2025-05-13"
}

test_fails_on_end_day if {
	# 2026-09-01 is sep_2026 itself: support has ended that day.
	lc := json.patch(lifecycle, [{"op": "replace", "path": "/products/fedora/releases/44/eol", "value": "2026-09-01"}])
	r := ico_sec_01.result with input as host(os("fedora", "Fedora Linux", "44")) with data.lifecycle as lc with time.now_ns as sep_2026
	r.status == "fail"
}

test_eol_true_fails if {
	r := eval(host(os("fedora", "Fedora Core", "1")), sep_2026)
	r.status == "fail"
	detail(r) == "Fedora Linux 1: security support has ended (end date not published)"
}

test_eol_false_passes if {
	r := eval(host(os("ol", "Oracle Linux Server", "10.0")), sep_2026)
	r.status == "pass"
	detail(r) == "Oracle Linux 10: regular security support has no announced end; Oracle Linux Extended Support (no announced end) needs entitlement oracle-extended-support, not found on the host or in the entitlements register"
}

test_paid_extended_support_without_entitlement_fails if {
	r := eval(host(ubuntu("20.04", [])), sep_2026)
	r.status == "fail"
	detail(r) == "Ubuntu 20.04 (Focal Fossa): regular security support ended 2025-05-31; Ubuntu Pro ESM until 2030-04-02 needs entitlement ubuntu-pro, not found on the host or in the entitlements register"
}

test_paid_extended_support_with_host_entitlement_passes if {
	r := eval(host(ubuntu("20.04", ["ubuntu-pro"])), sep_2026)
	r.status == "pass"
	detail(r) == "Ubuntu 20.04 (Focal Fossa): regular security support ended 2025-05-31; Ubuntu Pro ESM (entitlement ubuntu-pro present) until 2030-04-02"
}

test_paid_extended_support_with_registered_entitlement_passes if {
	eval_entitled(host(ubuntu("20.04", null)), [{"entitlement": "ubuntu-pro"}], sep_2026).status == "pass"
	eval_entitled(host(ubuntu("20.04", null)), [{"entitlement": "rhel-els"}], sep_2026).status == "fail"
	named := object.union(host(ubuntu("20.04", null)), {"host": {"name": "web-1"}})
	eval_entitled(named, [{"entitlement": "ubuntu-pro", "hosts": ["web-*"]}], sep_2026).status == "pass"
	eval_entitled(named, [{"entitlement": "ubuntu-pro", "hosts": ["db-*"]}], sep_2026).status == "fail"
}

test_paid_extended_support_ended_fails_even_with_entitlement if {
	r := eval(host(ubuntu("16.04", ["ubuntu-pro"])), sep_2026)
	r.status == "fail"
	detail(r) == "Ubuntu 16.04 (Xenial Xerus): regular security support ended 2021-04-02; Ubuntu Pro ESM ended 2026-04-02"
}

test_release_without_extended_support_fails_even_with_entitlement if {
	r := eval(host(ubuntu("23.10", ["ubuntu-pro"])), sep_2026)
	r.status == "fail"
	detail(r) == "Ubuntu 23.10 (Mantic Minotaur): security support ended 2024-07-12"
}

test_warn_counts_days_to_the_effective_end if {
	# Both ends are near; without the entitlement the earlier one counts.
	lc := json.patch(lifecycle, [{"op": "replace", "path": "/products/ubuntu/releases/24.04/eoes", "value": "2029-06-30"}])
	jan_2029 := 1861920000000000000
	r := ico_sec_01.result with input as host(ubuntu("24.04", [])) with data.lifecycle as lc with time.now_ns as jan_2029
	r.status == "warn"
	endswith(detail(r), "support ends in 150 days (warning from 180 days)")
	e := ico_sec_01.result with input as host(ubuntu("24.04", ["ubuntu-pro"])) with data.lifecycle as lc with time.now_ns as jan_2029
	e.status == "warn"
	endswith(detail(e), "support ends in 180 days (warning from 180 days)")
}

test_warns_when_paid_support_not_held if {
	# 2029-05-31 is within 180 days of 2029-01-01; ESM would need ubuntu-pro.
	jan_2029 := 1861920000000000000
	eval(host(ubuntu("24.04", [])), jan_2029).status == "warn"
	eval(host(ubuntu("24.04", ["ubuntu-pro"])), jan_2029).status == "pass"
}

test_centos_and_stream_told_apart_by_name if {
	stream := eval(host(os("centos", "CentOS Stream", "9")), sep_2026)
	stream.status == "pass"
	startswith(detail(stream), "CentOS Stream 9:")
	linux := eval(host(os("centos", "CentOS Linux", "7")), sep_2026)
	linux.status == "fail"
	startswith(detail(linux), "CentOS 7:")

	# CentOS Linux 9 never existed; Stream 7 is not in the data.
	eval(host(os("centos", "CentOS Linux", "9")), sep_2026).status == "not_assessed"
	eval(host(os("centos", "CentOS Stream", "7")), sep_2026).status == "not_assessed"
}

test_unknown_os_not_assessed if {
	r := eval(host(os("plan9", "Plan 9", "4")), sep_2026)
	r.status == "not_assessed"
	detail(r) == "Plan 9 (ID=plan9, NAME=Plan 9, VERSION_ID=4) is not in the lifecycle data, so its support status is unknown"
	r.evidence[0].fact == "os.id"
}

test_unknown_release_not_assessed if {
	eval(host(debian("99")), sep_2026).status == "not_assessed"
	eval(host(debian("")), sep_2026).status == "not_assessed"
}

test_other_collector_error_ignored if {
	inp := object.union(host(debian("13")), {"collector_errors": [{"collector": "accounts", "namespace": "accounts", "kind": "crash", "message": "x"}]})
	eval(inp, sep_2026).status == "pass"
}

test_malformed_lifecycle_date_is_error if {
	lc := json.patch(lifecycle, [{"op": "replace", "path": "/products/fedora/releases/44/eol", "value": "June 2027"}])
	r := ico_sec_01.result with input as host(os("fedora", "Fedora Linux", "44")) with data.lifecycle as lc with time.now_ns as sep_2026
	r.status == "error"
}

test_no_lifecycle_data_not_assessed if {
	r := ico_sec_01.result with input as host(debian("12")) with data.lifecycle as {} with time.now_ns as sep_2026
	r.status == "not_assessed"
	r.sources == {}
}

# The shipped data, for the example in the control catalogue.
test_shipped_data_debian_12 if {
	r := ico_sec_01.result with input as host(debian("12")) with time.now_ns as sep_2026
	r.status == "pass"
	detail(r) == "Debian 12 (bookworm): regular security support ended 2026-07-11; free Debian LTS until 2028-06-30"
	startswith(r.sources.lifecycle, "endoflife-date/endoflife.date@")
}

test_shipped_data_ubuntu_20_04 if {
	r := ico_sec_01.result with input as host(ubuntu("20.04", [])) with time.now_ns as sep_2026
	r.status == "fail"
}
