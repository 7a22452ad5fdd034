# METADATA
# title: auditfleet policy library
# description: >-
#   Helpers shared by the control policies: dates and day arithmetic against
#   the evaluation time (time.now_ns), collector-error lookups, evidence
#   constructors, organisation data and host identity, and os-release
#   matching against data.lifecycle.
package auditfleet.lib

# day_ns is one day in nanoseconds.
day_ns := 86400000000000

# date_ns(s) is the start (00:00 UTC) of day s, written "YYYY-MM-DD".
# Undefined when s is not such a date: facts come from hosts, so the
# policies rely on OPA's default of a built-in error making the expression
# undefined rather than failing the whole evaluation.
date_ns(s) := time.parse_ns("2006-01-02", s) if is_string(s)

# timestamp_ns(s) parses an RFC 3339 timestamp. Undefined when s is not one.
timestamp_ns(s) := time.parse_rfc3339_ns(s) if is_string(s)

# day(ns) formats a time as "YYYY-MM-DD" (UTC).
day(ns) := time.format([ns, "UTC", "2006-01-02"])

# days_since(ns) is the number of whole days from ns to the evaluation time.
days_since(ns) := floor((time.now_ns() - ns) / day_ns)

# days_until(ns) is the number of days, rounded up, from the evaluation time
# to ns; 0 or less once ns has passed.
days_until(ns) := ceil((ns - time.now_ns()) / day_ns)

# today is the evaluation day, "YYYY-MM-DD" (UTC). A "YYYY-MM-DD" date d
# has started (its 00:00 UTC has passed) exactly when d <= today, so the
# policies compare such dates as strings.
today := time.format([time.now_ns(), "UTC", "2006-01-02"])

# day_after(n) is the day n days after the evaluation day (before it for
# negative n), "YYYY-MM-DD" (UTC).
day_after(n) := time.format([time.add_date(time.now_ns(), 0, 0, n), "UTC", "2006-01-02"])

# ts_days_ago(n) is the evaluation time minus n days as an RFC 3339 UTC
# timestamp, "2006-01-02T15:04:05Z". The facts namespaces after os and
# accounts give timestamps in UTC ending in "Z" (their schemas say so), so
# the policies compare them with such cutoffs as strings, exact to the
# second, instead of parsing every timestamp.
ts_days_ago(n) := time.format([time.add_date(time.now_ns(), 0, 0, 0 - n), "UTC", timestamp_layout])

# timestamp_layout is the RFC 3339 layout of the cutoffs.
timestamp_layout := "2006-01-02T15:04:05Z07:00"

# ts_hours_ago(n) is the evaluation time minus n hours, like ts_days_ago.
ts_hours_ago(n) := time.format([time.now_ns() - (n * 3600000000000), "UTC", timestamp_layout])

# days_ago(ts) is the number of whole days from RFC 3339 timestamp ts to
# the evaluation time. Undefined when ts is not a timestamp.
days_ago(ts) := floor((time.now_ns() - time.parse_rfc3339_ns(ts)) / day_ns)

# failed is the set of namespaces whose collector failed (has an entry in
# input.collector_errors). The engine gates the controls on the namespaces
# they require (custom.requires); this is for those they only read.
failed contains e.namespace if some e in input.collector_errors

# error_result(ns) is the result of a control whose collector for
# namespace ns, one it reads but does not require, failed: status error,
# one evidence item per failure. The engine words the failures of
# required namespaces the same way (a Go test keeps the two equal).
error_result(ns) := {"status": "error", "evidence": [ev |
	some e in input.collector_errors
	e.namespace == ns
	ev := evidence(
		object.get(e, "collector", ns),
		sprintf("collector %v failed (%v): %v; the %v facts are missing", [
			object.get(e, "collector", ns),
			object.get(e, "kind", "unknown"),
			object.get(e, "message", "no message"),
			ns,
		]),
		ns,
	)
]}

# absent_result(ns) is the result of a control whose facts namespace ns,
# one it reads but does not require, is not in the report: status
# not_assessed, worded as the engine words the absence of required facts.
absent_result(ns) := {"status": "not_assessed", "evidence": [evidence(
	ns,
	sprintf("no %v facts in this report, so the control could not be assessed", [ns]),
	ns,
)]}

# evidence(subject, detail, fact) builds one evidence item.
evidence(subject, detail, fact) := {"subject": subject, "detail": detail, "fact": fact}

# plural(n, word) is "1 account" or "3 accounts".
plural(n, word) := sprintf("1 %v", [word]) if {
	n == 1
} else := sprintf("%v %vs", [n, word])

# os_release is the lifecycle entry of the host in input.facts.os:
# {"key", "product", "cycle", "release"} from data.lifecycle, or undefined
# when the data does not know the host's os-release ID, NAME and
# VERSION_ID. The cycle is the first of the product's version_components
# (1 to 3 dot-separated components of VERSION_ID, padded with "0") that
# names a release. Mirrors lifecycle.Document.Lookup in Go.
os_release := found[0] if {
	host := input.facts.os
	name := lower(object.get(host, "name", ""))
	parts := array.concat(split(object.get(host, "version_id", ""), "."), ["0", "0"])
	found := [{"key": key, "product": product, "cycle": cycle, "release": release} |
		some key in data.lifecycle.os_release_ids[host.id]
		product := data.lifecycle.products[key]
		contains(name, object.get(product.match, "name_contains", ""))
		some n in product.match.version_components
		cycle := concat(".", array.slice(parts, 0, n))
		release := product.releases[cycle]
	]
}
