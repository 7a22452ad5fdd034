// Package change is the "change" collector and defines its facts
// namespace, the contract with the ICO-CHG-01 policy (no test data or
// unreviewed code in production).
//
// The collector reads, through the host root:
//
//   - the environment the host declares: the environment option, else
//     the env tag of the host's tags file (/etc/auditfleet/tags, the
//     continuity collector's format: "env = production");
//
//   - the deployment record file (DefaultDeploymentsFile,
//     /var/lib/auditfleet/deployments.jsonl), which deployment tooling
//     appends to, one JSON object a line:
//
//     {"application":"casework-api","deployed_at":"2026-08-20T14:03:00Z","commit":"9f2c1e7","branch":"main","reviewed_by":["r.khan"]}
//
//     application and deployed_at (RFC 3339) are required; commit and
//     branch are strings; reviewed_by lists who approved the change (one
//     name is accepted too) and is empty, null or absent when nobody did;
//     other fields are ignored; blank lines and '#' lines are skipped.
//     An application's current deployment is its latest record by
//     deployed_at. Bad lines are skipped with a warning. The file is read
//     whole, up to 32 MiB;
//
//   - the declared production data paths (canary_paths), searched for
//     test-data canaries: configured marker strings or record IDs. A path
//     is a directory, walked without following symbolic links, or one
//     file. Only the first max_read_bytes of each regular file are
//     searched, and at most max_files directory entries are walked over
//     all paths together.
//
// Options (all optional):
//
//	{"environment": "production",
//	 "tags_file": "/etc/auditfleet/tags",
//	 "deployments_file": "/var/lib/auditfleet/deployments.jsonl",
//	 "canary_paths": ["/srv/casework"],
//	 "canaries": ["TESTDATA-CANARY-0042", "REC-999999"],
//	 "max_files": 20000,
//	 "max_read_bytes": 1048576}
//
// tags_file or deployments_file "" reads no file. Markers must be at least
// 4 bytes. Invalid options are warnings, never failures.
//
// canary_paths in the facts lists only the paths searched completely: a
// path that is missing, unreadable, stopped by max_files or with
// unreadable entries is left out with a warning (so ICO-CHG-01 does not
// pass on a search that did not happen), while canaries found in it are
// still reported. Files longer than max_read_bytes are searched at their
// start only, with a warning, and do not make the path partial.
//
// Its JSON Schema is schemas/change.schema.json.
package change
