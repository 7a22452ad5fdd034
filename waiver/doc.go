// Package waiver applies the assurance team's waivers to evaluated
// results: a failure covered by a current waiver becomes waived, with a
// reference to the waiver, and still appears in every report. It also
// reviews the waivers across a fleet: which are stale (cover no failure
// anywhere), which expire soon and which have expired.
//
// Waivers are applied in Go after policy evaluation, never in Rego, so
// that one policy revision gives the same raw results whatever waivers
// exist. Parsing waiver files is package orgdata's job.
package waiver
