package auditfleet.controls.ico_ret_01_test

import data.auditfleet.controls.ico_ret_01

# 2026-09-01T00:00:00Z
now := 1788220800000000000

casework := {"id": "casework", "hosts": ["files-*"], "path": "/srv/casework", "personal_data": true, "retention_days": 730, "soft_delete_marker": ".deleted"}

hr := {"id": "hr", "hosts": ["hr-*"], "path": "/srv/hr", "personal_data": true, "retention_days": 2190}

store(id, extra) := object.union(
	{
		"id": id, "path": "/srv/casework", "exists": true, "items": 120433, "oldest_item": "2024-10-02T09:14:00Z",
		"past_retention": 0, "soft_deleted": 37, "oldest_soft_deleted": "2026-08-20T16:40:00Z", "soft_deleted_past_purge": 0, "truncated": false,
	},
	extra,
)

eval(stores, org) := r if {
	inp := {"host": {"id": "h", "name": "files-01", "tags": {}}, "facts": {"retention": {"stores": stores}}, "collector_errors": []}
	r := ico_ret_01.result with input as inp with data.org as org with time.now_ns as now
}

org := {"data_stores": [casework, hr]}

test_within_retention_passes if {
	r := eval([store("casework", {})], org)
	r.status == "pass"
	r.evidence == [{
		"subject": "casework",
		"detail": "live items: 120433, kept 730 days plus 30 days' grace; marked deleted: 37, purged after 30 days",
		"fact": "retention.stores[casework]",
	}]
}

test_past_retention_fails if {
	# 730 + 30 days before 2026-09-01 is 2024-08-02.
	r := eval([store("casework", {"oldest_item": "2024-08-01T23:00:00Z", "past_retention": 12})], org)
	r.status == "fail"
	r.evidence[0].detail == "oldest item from 2024-08-01, 760 days old, is past the 730-day retention period plus 30 days' grace (the collector counted 12 past it); live items: 120433, kept 730 days plus 30 days' grace; marked deleted: 37, purged after 30 days"
	eval([store("casework", {"oldest_item": "2024-08-02T00:00:00Z"})], org).status == "pass"
}

test_store_grace_overrides_default if {
	o := {"data_stores": [object.union(casework, {"grace_days": 0})]}
	eval([store("casework", {"oldest_item": "2024-08-15T00:00:00Z"})], o).status == "fail"
	eval([store("casework", {"oldest_item": "2024-08-15T00:00:00Z"})], org).status == "pass"
}

test_soft_deleted_not_purged_fails if {
	r := eval([store("casework", {"oldest_soft_deleted": "2026-07-01T00:00:00Z", "soft_deleted_past_purge": 5})], org)
	r.status == "fail"
	startswith(r.evidence[0].detail, "37 marked deleted, the longest on 2026-07-01 (62 days ago), past the 30-day purge window: not truly deleted")
}

test_purge_window_configurable if {
	o := object.union(org, {"thresholds": {"soft_delete_purge_days": 90}})
	eval([store("casework", {"oldest_soft_deleted": "2026-07-01T00:00:00Z"})], o).status == "pass"
}

test_unchecked_store_not_assessed if {
	r := eval([], org)
	r.status == "not_assessed"
	r.evidence == [{"subject": "casework", "detail": "declared at /srv/casework but not checked by the retention collector", "fact": "retention.stores[casework]"}]
}

test_missing_path_not_assessed if {
	r := eval([store("casework", {"exists": false, "items": 0, "oldest_item": null})], org)
	r.status == "not_assessed"
	r.evidence[0].detail == "declared at /srv/casework, which does not exist on this host"
}

test_no_retention_period_not_assessed if {
	r := eval([store("casework", {})], {"data_stores": [object.remove(casework, ["retention_days"])]})
	r.status == "not_assessed"
	contains(r.evidence[0].detail, "no retention period declared")
}

test_truncated_walk_not_assessed if {
	r := eval([store("casework", {"truncated": true})], org)
	r.status == "not_assessed"
	startswith(r.evidence[0].detail, "the walk stopped at its limit")
	eval([store("casework", {"truncated": true, "oldest_item": "2020-01-01T00:00:00Z"})], org).status == "fail"
}

test_no_store_on_host_not_assessed if {
	r := eval([store("casework", {})], {"data_stores": [hr]})
	r.status == "not_assessed"
	r.evidence[0].detail == "no data store in the register is on this host, so the control does not apply here"
}
