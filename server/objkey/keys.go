package objkey

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Top-level prefixes of the layout.
const (
	HostsPrefix      = "hosts/"
	CyclesPrefix     = "cycles/"
	FactsPrefix      = "facts/"
	ResultsPrefix    = "results/"
	ScorecardsPrefix = "scorecards/"
	OrgPrefix        = "org/"
	AuditPrefix      = "audit/"
	ClosingPrefix    = "closing/"
	InFlightPrefix   = "inflight/"
	FirstSeenPrefix  = "firstseen/"
)

const jsonExt = ".json"

// Facts returns the key of the facts document of report r, sent by host h
// in cycle c.
func Facts(c CycleID, h HostID, r ReportID) string {
	return HostFacts(c, h) + need(r.s, "Facts", "ReportID") + jsonExt
}

// Results returns the key of the results evaluated from report r of host h
// in cycle c.
func Results(c CycleID, h HostID, r ReportID) string {
	return HostResults(c, h) + need(r.s, "Results", "ReportID") + jsonExt
}

// CycleFacts returns the prefix of every facts document of cycle c.
func CycleFacts(c CycleID) string {
	return FactsPrefix + need(c.s, "CycleFacts", "CycleID") + "/"
}

// CycleResults returns the prefix of every results object of cycle c.
func CycleResults(c CycleID) string {
	return ResultsPrefix + need(c.s, "CycleResults", "CycleID") + "/"
}

// HostFacts returns the prefix of host h's facts documents in cycle c.
func HostFacts(c CycleID, h HostID) string {
	return CycleFacts(c) + need(h.s, "HostFacts", "HostID") + "/"
}

// HostResults returns the prefix of host h's results in cycle c.
func HostResults(c CycleID, h HostID) string {
	return CycleResults(c) + need(h.s, "HostResults", "HostID") + "/"
}

// Host returns the key of host h's registry entry.
func Host(h HostID) string {
	return HostsPrefix + need(h.s, "Host", "HostID") + jsonExt
}

// Cycle returns the key of cycle c's state.
func Cycle(c CycleID) string {
	return CyclesPrefix + need(c.s, "Cycle", "CycleID") + jsonExt
}

// ParseCycle returns the cycle whose state object has key, for keys listed
// under CyclesPrefix.
func ParseCycle(key string) (CycleID, error) {
	s, ok := strings.CutPrefix(key, CyclesPrefix)
	if ok {
		s, ok = strings.CutSuffix(s, jsonExt)
	}
	if !ok {
		return CycleID{}, fmt.Errorf("cycle key %s: want %s<cycle>%s", quote(key), CyclesPrefix, jsonExt)
	}
	c, err := ParseCycleID(s)
	if err != nil {
		return CycleID{}, fmt.Errorf("cycle key: %w", err)
	}
	return c, nil
}

// FirstSeen returns the key of host h's record of when each pending
// update was first seen in its reports (package firstseen).
func FirstSeen(h HostID) string {
	return FirstSeenPrefix + need(h.s, "FirstSeen", "HostID") + jsonExt
}

// Closing returns the key of the marker written when cycle c starts to
// close: reports that find it go to the next cycle.
func Closing(c CycleID) string {
	return ClosingPrefix + need(c.s, "Closing", "CycleID") + jsonExt
}

// InFlight returns the key of the marker of report r of host h being
// stored in cycle c; the cycle's closer waits for such markers to go.
func InFlight(c CycleID, h HostID, r ReportID) string {
	return CycleInFlight(c) + need(h.s, "InFlight", "HostID") + "-" + need(r.s, "InFlight", "ReportID") + jsonExt
}

// CycleInFlight returns the prefix of the in-flight markers of cycle c.
func CycleInFlight(c CycleID) string {
	return InFlightPrefix + need(c.s, "CycleInFlight", "CycleID") + "/"
}

// CycleScorecards returns the prefix of every scorecard of cycle c.
func CycleScorecards(c CycleID) string {
	return ScorecardsPrefix + need(c.s, "CycleScorecards", "CycleID") + "/"
}

// FleetScorecard returns the key of cycle c's fleet scorecard.
func FleetScorecard(c CycleID) string {
	return CycleScorecards(c) + "fleet" + jsonExt
}

// HostScorecard returns the key of host h's scorecard for cycle c.
func HostScorecard(c CycleID, h HostID) string {
	return CycleScorecards(c) + "hosts/" + need(h.s, "HostScorecard", "HostID") + jsonExt
}

// HostData returns the prefixes under which host h has data in cycle c:
// its facts, its results and its scorecard. Decommissioning lists and
// deletes each, for every cycle listed under CyclesPrefix. Host IDs have a
// fixed length, so no prefix matches another host's objects.
func HostData(c CycleID, h HostID) []string {
	return []string{HostFacts(c, h), HostResults(c, h), HostScorecard(c, h)}
}

// Org returns the prefix of every version of organisation data of kind k.
func Org(k OrgKind) string {
	return OrgPrefix + need(k.s, "Org", "OrgKind") + "/"
}

// OrgData returns the key of version v of organisation data of kind k,
// stored in format f.
func OrgData(k OrgKind, v OrgVersion, f Format) string {
	return Org(k) + need(v.s, "OrgData", "OrgVersion") + "." + need(f.s, "OrgData", "Format")
}

// OrgCurrent returns the key of the pointer to the current version of
// organisation data of kind k. Version keys start with a digit, so the
// pointer never collides with one.
func OrgCurrent(k OrgKind) string {
	return Org(k) + "current" + jsonExt
}

// AuditLayout is the fixed-width time layout of audit log entry names.
const AuditLayout = "20060102T150405.000000000Z"

// AuditDay returns the prefix of the audit log entries of t's UTC day.
func AuditDay(t time.Time) string {
	return AuditPrefix + t.UTC().Format("2006/01/02") + "/"
}

// auditSeqDigits is the fixed width of the sequence number in an audit
// entry's key (every uint64 fits).
const auditSeqDigits = 20

// Audit returns the key of entry seq of writer w's chain, recorded at at.
// Keys of one day list in time order; writer and sequence make the key
// unique and let a verifier compare the key with the entry's content.
func Audit(at time.Time, w WriterID, seq uint64) (string, error) {
	at = at.UTC()
	if y := at.Year(); y < 1000 || y > 9999 {
		return "", fmt.Errorf("audit time %s: year %d out of range", at, y)
	}
	return AuditDay(at) + at.Format(AuditLayout) + "-" + need(w.s, "Audit", "WriterID") + "-" + fmt.Sprintf("%0*d", auditSeqDigits, seq) + jsonExt, nil
}

// AuditKey is what an audit entry's key says about the entry.
type AuditKey struct {
	// Time is when the entry was recorded.
	Time time.Time
	// Writer is the chain the entry belongs to.
	Writer WriterID
	// Seq is the entry's place in its chain, from 1.
	Seq uint64
}

// ParseAudit parses a key made by Audit.
func ParseAudit(key string) (AuditKey, error) {
	bad := func() (AuditKey, error) {
		return AuditKey{}, fmt.Errorf("audit key %s: want %s<yyyy>/<mm>/<dd>/<time>-<writer>-<seq>%s", quote(key), AuditPrefix, jsonExt)
	}
	rest, ok := strings.CutPrefix(key, AuditPrefix)
	if ok {
		rest, ok = strings.CutSuffix(rest, jsonExt)
	}
	if !ok || len(rest) < len("2006/01/02/") {
		return bad()
	}
	day, name := rest[:len("2006/01/02/")], rest[len("2006/01/02/"):]
	ts, rest, ok := strings.Cut(name, "-")
	if !ok {
		return bad()
	}
	t, err := time.Parse(AuditLayout, ts)
	if err != nil || t.Format(AuditLayout) != ts || AuditPrefix+day != AuditDay(t) {
		return bad()
	}
	ws, seqs, ok := strings.Cut(rest, "-")
	if !ok || len(seqs) != auditSeqDigits || strings.Trim(seqs, "0123456789") != "" {
		return bad()
	}
	w, err := ParseWriterID(ws)
	if err != nil {
		return bad()
	}
	seq, err := strconv.ParseUint(seqs, 10, 64)
	if err != nil {
		return bad()
	}
	return AuditKey{Time: t, Writer: w, Seq: seq}, nil
}

// need returns s, or panics if it is empty: a builder was given a zero ID,
// which only a bug in the caller can produce.
func need(s, builder, typ string) string {
	if s == "" {
		panic(fmt.Sprintf("objkey.%s: zero %s", builder, typ))
	}
	return s
}
