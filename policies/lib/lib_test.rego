package auditfleet.lib_test

import data.auditfleet.lib

# 2026-09-01T00:00:00Z
now := 1788220800000000000

lifecycle := {
	"os_release_ids": {"rhel": ["rhel"], "alpine": ["alpine-linux"], "sles": ["sles"], "amzn": ["amazon-linux"], "centos": ["centos-stream", "centos"]},
	"products": {
		"rhel": {"match": {"ids": ["rhel"], "version_components": [1]}, "releases": {"9": {"eol": "2032-05-31"}}},
		"alpine-linux": {"match": {"ids": ["alpine"], "version_components": [2]}, "releases": {"3.20": {"eol": "2026-04-01"}}},
		"sles": {"match": {"ids": ["sles"], "version_components": [2]}, "releases": {"15.0": {"eol": "2019-12-31"}, "15.6": {"eol": "2025-12-31"}}},
		"amazon-linux": {"match": {"ids": ["amzn"], "version_components": [2, 1]}, "releases": {"2": {"eol": "2026-06-30"}, "2018.03": {"eol": "2023-12-31"}}},
		"centos-stream": {"match": {"ids": ["centos"], "name_contains": "stream", "version_components": [1]}, "releases": {"9": {"eol": "2027-05-31"}}},
		"centos": {"match": {"ids": ["centos"], "name_contains": "centos linux", "version_components": [1]}, "releases": {"7": {"eol": "2024-06-30"}}},
	},
}

cycle(id, name, version) := r if {
	r := [lib.os_release.key, lib.os_release.cycle] with input as {"facts": {"os": {"id": id, "name": name, "version_id": version}}} with data.lifecycle as lifecycle
}

test_os_release if {
	cycle("rhel", "Red Hat Enterprise Linux", "9.4") == ["rhel", "9"]
	cycle("alpine", "Alpine Linux", "3.20.3") == ["alpine-linux", "3.20"]
	cycle("sles", "SLES", "15.6") == ["sles", "15.6"]
	cycle("sles", "SLES", "15") == ["sles", "15.0"]
	cycle("amzn", "Amazon Linux", "2") == ["amazon-linux", "2"]
	cycle("amzn", "Amazon Linux AMI", "2018.03") == ["amazon-linux", "2018.03"]
	cycle("centos", "CentOS Stream", "9") == ["centos-stream", "9"]
	cycle("centos", "CentOS Linux", "7") == ["centos", "7"]
}

test_os_release_unknown if {
	not cycle("rhel", "Red Hat Enterprise Linux", "8.10")
	not cycle("rhel", "Red Hat Enterprise Linux", "")
	not cycle("centos", "CentOS Linux", "9")
	not cycle("plan9", "Plan 9", "4")
	not lib.os_release with input as {"facts": {}} with data.lifecycle as lifecycle
}

test_days if {
	lib.days_since(lib.date_ns("2026-07-18")) == 45 with time.now_ns as now
	lib.days_since(lib.timestamp_ns("2026-08-31T23:59:59Z")) == 0 with time.now_ns as now
	lib.days_until(lib.date_ns("2026-09-02")) == 1 with time.now_ns as now
	lib.days_until(lib.timestamp_ns("2026-09-01T00:00:01Z")) == 1 with time.now_ns as now
	lib.day(now) == "2026-09-01"
	lib.today == "2026-09-01" with time.now_ns as now
	lib.day_after(-45) == "2026-07-18" with time.now_ns as now
	lib.day_after(180) == "2027-02-28" with time.now_ns as now
}

test_bad_dates_undefined if {
	not lib.date_ns("01/09/2026")
	not lib.timestamp_ns("yesterday")
}

test_collector_failed if {
	inp := {"collector_errors": [{"collector": "os-release", "namespace": "os", "kind": "crash", "message": "boom"}]}
	lib.failed == {"os"} with input as inp
	r := lib.error_result("os") with input as inp
	r == {"status": "error", "evidence": [{
		"subject": "os-release",
		"detail": "collector os-release failed (crash): boom; the os facts are missing",
		"fact": "os",
	}]}
}

test_collector_errors_null if {
	count(lib.failed) == 0 with input as {"collector_errors": null}
	count(lib.failed) == 0 with input as {}
}

test_plural if {
	lib.plural(1, "day") == "1 day"
	lib.plural(0, "day") == "0 days"
	lib.plural(3, "day") == "3 days"
}

test_timestamp_cutoffs if {
	lib.ts_days_ago(14) == "2026-08-18T00:00:00Z" with time.now_ns as now
	lib.ts_days_ago(0) == "2026-09-01T00:00:00Z" with time.now_ns as now
	lib.ts_hours_ago(24) == "2026-08-31T00:00:00Z" with time.now_ns as now
	lib.ts_hours_ago(36) == "2026-08-30T12:00:00Z" with time.now_ns as now
	lib.days_ago("2026-08-18T00:00:00Z") == 14 with time.now_ns as now
	lib.days_ago("2026-08-18T00:00:01Z") == 13 with time.now_ns as now
	not lib.days_ago("last week")

	# String order agrees with time order for UTC timestamps to the second.
	"2026-08-17T23:59:59Z" < lib.ts_days_ago(14) with time.now_ns as now
	"2026-08-18T00:00:01Z" > lib.ts_days_ago(14) with time.now_ns as now
}
