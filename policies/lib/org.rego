# Organisation data and host identity (the package METADATA is in lib.rego).
#
# Helpers over the organisation data (data.org, uploaded by the assurance
# team and validated in Go by package orgdata) and the host identity
# (input.host, set by whoever evaluates): thresholds with their defaults,
# the host's name and effective tags, host glob matching, and which data
# stores apply to the host.
package auditfleet.lib

# threshold_defaults are the thresholds used when data.org.thresholds does
# not set a key. log_retention_days is not in the orgdata contract yet: it
# is the ICO-LOG-01 retention period, read here so that it can be added.
threshold_defaults := {
	"dormant_days": 45,
	"os_warn_days": 180,
	"patch_days": 14,
	"backup_max_age_days": 7,
	"restore_test_max_age_days": 90,
	"plan_review_months": 12,
	"plan_test_months": 12,
	"retention_grace_days": 30,
	"soft_delete_purge_days": 30,
	"failure_hours": 24,
	"missed_cycles": 2,
	"s62_justification_required": true,
	"log_retention_days": 90,
}

# thresholds are the organisation's thresholds: data.org.thresholds over
# threshold_defaults. A value of the wrong type (a string for a number)
# is ignored, so a malformed upload cannot make a comparison silently
# true; package orgdata rejects such uploads before they get here.
thresholds := object.union(threshold_defaults, {k: v |
	some k, v in data.org.thresholds
	type_name(v) == type_name(threshold_defaults[k])
})

# host_name is the host's name: input.host.name, else the os facts'
# hostname. Undefined when neither is known.
host_name := n if {
	n := input.host.name
	is_string(n)
	n != ""
} else := n if {
	n := input.facts.os.hostname
	is_string(n)
	n != ""
}

# host_tags are the host's effective tags. Later sources win: the host's
# own declaration (input.facts.continuity.tags), then the organisation's
# register (data.org.host_tags[name]), then input.host.tags, set by the
# server from its enrollment records (or by the agent's offline scan). So a
# host cannot remove a tag the organisation gave it.
host_tags := object.union(object.union(facts_tags, org_tags), input_tags)

facts_tags := t if {
	t := input.facts.continuity.tags
	is_object(t)
} else := {}

org_tags := t if {
	t := data.org.host_tags[host_name]
	is_object(t)
} else := {}

input_tags := t if {
	t := input.host.tags
	is_object(t)
} else := {}

# tags_known is true when some source of host tags exists for this host,
# even an empty one, so that a missing tag means "not tagged" rather than
# "unknown".
default tags_known := false

tags_known if is_object(input.host.tags)

tags_known if is_object(data.org.host_tags[host_name])

tags_known if is_object(input.facts.continuity.tags)

# host_matches(patterns) is true when the host glob patterns (a list;
# "*" matches any run of characters, "?" one character, "{a,b}" either)
# name this host; null (the key is absent) matches every host. A host
# whose name is unknown matches only null.
host_matches(patterns) if {
	patterns == null
} else if {
	some p in patterns
	glob.match(p, null, host_name)
}

# stores are the entries of data.org.data_stores whose hosts globs name
# this host (hosts absent: every host), keyed by store ID. Shared by the
# controls that check data stores (ICO-RET-01, ICO-SEC-05).
stores[s.id] := s if {
	some s in data.org.data_stores
	object.get(s, "hosts", null) == null
}

stores[s.id] := s if {
	some s in data.org.data_stores
	some pattern in s.hosts
	glob.match(pattern, null, host_name)
}

# entitlements are the paid extended-support subscriptions the
# organisation's register (data.org.entitlements) records for this host:
# entries whose hosts globs name it, or without hosts (every host).
entitlements contains e.entitlement if {
	some e in data.org.entitlements
	host_matches(object.get(e, "hosts", null))
}
