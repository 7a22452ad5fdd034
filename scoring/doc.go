// Package scoring turns results into the answer the assurance team needs:
// a weighted score per host, a pass rate per control over the fleet, and
// per ICO area and overall an assurance rating in the ICO's words (High,
// Reasonable, Limited, Very limited), with coverage reported beside the
// rating and never counted as a pass. docs/scoring.md sets out the model
// with a worked example.
//
// A Fleet aggregates hosts one at a time in memory proportional to the
// number of controls, not hosts, and yields a JSON-serialisable
// FleetScorecard; Compare sets two cycles' scorecards side by side.
package scoring
