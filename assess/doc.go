// Package assess is the one assessment pipeline. The offline scan and the
// server both call Assess: a host's report, decoded once (Decode), one
// snapshot of the policies and the organisation data they read
// (Policies), what is known of the host beyond its report (Host) and the
// evaluation time go in; the host's scorecard comes out, with waivers
// applied and every result naming the policy and organisation data
// revisions that produced it. Whatever gives the same inputs gets the same
// scorecard, wherever it runs.
package assess
