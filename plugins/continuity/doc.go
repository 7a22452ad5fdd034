// Package continuity defines the "continuity" facts namespace, the
// contract between a future continuity collector and the ICO-BCP-01 and
// ICO-BCP-02 policies (continuity plan current and tested; continuity
// systems supported and backed up).
//
// The collector is not implemented yet. It will read, through the host
// root, the host's own declaration (an auditfleet tags file): its tags
// such as role and service, whether it is a continuity system, and the
// continuity plans it references.
//
// Its JSON Schema is schemas/continuity.schema.json.
package continuity
