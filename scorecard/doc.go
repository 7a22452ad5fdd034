// Package scorecard turns evaluated results into the answer the assurance
// team needs. For one host: the per-status counts, a severity-weighted
// Score with its coverage, and a report (Host) as a table, JSON, JUnit
// XML, SARIF 2.1.0 or Markdown (Format). For the fleet: a pass rate per control and, per ICO area and
// overall, an assurance rating in the ICO's words (High, Reasonable,
// Limited, Very limited), with coverage reported beside the rating and
// never counted as a pass. docs/scoring.md sets out the model with a
// worked example.
//
// A Tally aggregates hosts one at a time in memory proportional to the
// number of controls, not hosts, and yields a JSON-serialisable Fleet
// scorecard; Compare sets two cycles' scorecards side by side.
package scorecard
