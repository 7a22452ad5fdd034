// Package continuity is the "continuity" collector and defines its facts
// namespace, the contract with the ICO-BCP-01 and ICO-BCP-02 policies
// (continuity plan current and tested; continuity systems supported and
// backed up). The plan register itself is the organisation's (data.org
// plans, held by the server); the policies join it with these facts.
//
// The collector reads, through the host root, the host's own declaration
// in its tags file (DefaultTagsFile, /etc/auditfleet/tags), one
// "key = value" a line with '#' comments:
//
//	role = continuity-system
//	service = case-management
//	env = production
//	plan = BCP-IT-01, BCP-CS-02
//	continuity_system = true
//
// "plan" gives plan references (comma-separated, repeatable),
// "continuity_system" is true or false, and every other key is a tag.
// A missing file is not a warning; bad lines are skipped with one.
//
// Options (all optional) declare the same in the agent configuration:
//
//	{"tags": {"role": "continuity-system", "service": "case-management"},
//	 "plan_refs": ["BCP-IT-01"],
//	 "continuity_system": true,
//	 "tags_file": "/etc/auditfleet/tags"}
//
// Tags in the options win over the file's; plan references are the
// union; tags_file "" reads no file. The host is a continuity system when
// either declaration says so or its role tag is "continuity-system".
// Source is the tags file when it was read, else empty. Invalid options
// are warnings, never failures.
//
// Its JSON Schema is schemas/continuity.schema.json.
package continuity
