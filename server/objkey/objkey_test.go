package objkey

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/store"
)

const (
	goodHost   = "h_0123456789abcdef0123"
	goodCycle  = "2026-11-20T1200Z"
	goodReport = "9f0c0123456789abcdef0123456789ab"
)

// hostile are inputs no ID parser may accept.
var hostile = []string{
	"",
	"../x",
	"..",
	".",
	"a/b",
	"/abs",
	"%2e%2e",
	"%2e%2e%2f",
	strings.Repeat("a", 200),
	"h_0123456789abcdef0123/../x",
	"h_0123456789ABCDEF0123", // upper case
	"H_0123456789abcdef0123", // upper-case prefix
	"h_0123456789abcdef012３", // fullwidth digit
	"h_0123456789аbcdef0123", // Cyrillic а
	"h_0123456789abcdef0123\x00",
	"h_0123456789abcdef0123\n",
	" h_0123456789abcdef0123",
	"h_0123456789abcdef012",   // too short
	"h_0123456789abcdef01234", // too long
	"9F0C0123456789ABCDEF0123456789AB",
	"9f0c0123456789abcdef0123456789a",
	"9f0c0123456789abcdef0123456789ab0",
	"9f0c0123456789abcdef0123456789a\u0430",
	"2026-11-20T1200z",
	"2026-11-20T12:00Z",
	"2026-11-20T120000Z",
	"2026-11-20T1200+0100",
	"2026-11-20 1200Z",
	"2026-1-20T1200Z",
	"2026-02-30T1200Z",
	"2026-11-20T2400Z",
	"2026-11-20T1200Z/..",
	"２026-11-20T1200Z",
	"LEAVERS",
	"leavers/",
	"leavers\x00",
	"lеavers", // Cyrillic е
	"20261120T120000Z-1A2B3C4D",
	"20261120T120000Z-1a2b3c4",
	"20261120T120000Z_1a2b3c4d",
	"20261120T120000Z-1a2b3c4d/..",
	"JSON",
	"json/",
	strings.Repeat("AB", 32),
	strings.Repeat("ab", 31) + "a/",
	strings.Repeat("ab", 33),
}

func TestParseHostile(t *testing.T) {
	parsers := map[string]func(string) error{
		"ParseHostID":     func(s string) error { _, err := ParseHostID(s); return err },
		"ParseCycleID":    func(s string) error { _, err := ParseCycleID(s); return err },
		"ParseReportID":   func(s string) error { _, err := ParseReportID(s); return err },
		"ParseOrgKind":    func(s string) error { _, err := ParseOrgKind(s); return err },
		"ParseOrgVersion": func(s string) error { _, err := ParseOrgVersion(s); return err },
		"ParseFormat":     func(s string) error { _, err := ParseFormat(s); return err },
		"ParseHash":       func(s string) error { _, err := ParseHash(s); return err },
	}
	for name, parse := range parsers {
		for _, s := range hostile {
			t.Run(name+"/"+s, func(t *testing.T) {
				if err := parse(s); err == nil {
					t.Fatalf("%s(%q) = nil error, want it rejected", name, s)
				} else if len(err.Error()) > 200 {
					t.Errorf("%s(%.20q) error is %d bytes, want the input shortened", name, s, len(err.Error()))
				}
			})
		}
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) (string, error)
		in    string
	}{
		{"host", func(s string) (string, error) { v, err := ParseHostID(s); return v.String(), err }, goodHost},
		{"cycle", func(s string) (string, error) { v, err := ParseCycleID(s); return v.String(), err }, goodCycle},
		{"cycle leap day", func(s string) (string, error) { v, err := ParseCycleID(s); return v.String(), err }, "2028-02-29T0000Z"},
		{"report", func(s string) (string, error) { v, err := ParseReportID(s); return v.String(), err }, goodReport},
		{"kind", func(s string) (string, error) { v, err := ParseOrgKind(s); return v.String(), err }, "approved_admins"},
		{"version", func(s string) (string, error) { v, err := ParseOrgVersion(s); return v.String(), err }, "20261120T120000Z-1a2b3c4d"},
		{"format", func(s string) (string, error) { v, err := ParseFormat(s); return v.String(), err }, "csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			if err != nil || got != tt.in {
				t.Fatalf("Parse(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.in)
			}
		})
	}
}

func TestParseErrorNamesInput(t *testing.T) {
	_, err := ParseHostID("../etc")
	if err == nil || !strings.Contains(err.Error(), `"../etc"`) || !strings.Contains(err.Error(), "host ID") {
		t.Fatalf("ParseHostID(%q) = %v, want an error naming the field and the input", "../etc", err)
	}
	_, err = ParseOrgKind("payroll")
	if err == nil || !strings.Contains(err.Error(), "leavers") {
		t.Fatalf("ParseOrgKind(%q) = %v, want an error listing the kinds", "payroll", err)
	}
}

func mustIDs(t testing.TB) (CycleID, HostID, ReportID) {
	t.Helper()
	c, err := ParseCycleID(goodCycle)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHostID(goodHost)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseReportID(goodReport)
	if err != nil {
		t.Fatal(err)
	}
	return c, h, r
}

func TestKeys(t *testing.T) {
	c, h, r := mustIDs(t)
	v, err := ParseOrgVersion("20261120T120000Z-1a2b3c4d")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 12, 0, 0, 5, time.FixedZone("BST", 3600))
	w, err := ParseWriterID("w_0102030405060708")
	if err != nil {
		t.Fatal(err)
	}
	audit, err := Audit(at, w, 42)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, got, want string
	}{
		{"Facts", Facts(c, h, r), "facts/2026-11-20T1200Z/h_0123456789abcdef0123/9f0c0123456789abcdef0123456789ab.json"},
		{"Results", Results(c, h, r), "results/2026-11-20T1200Z/h_0123456789abcdef0123/9f0c0123456789abcdef0123456789ab.json"},
		{"CycleFacts", CycleFacts(c), "facts/2026-11-20T1200Z/"},
		{"CycleResults", CycleResults(c), "results/2026-11-20T1200Z/"},
		{"HostFacts", HostFacts(c, h), "facts/2026-11-20T1200Z/h_0123456789abcdef0123/"},
		{"HostResults", HostResults(c, h), "results/2026-11-20T1200Z/h_0123456789abcdef0123/"},
		{"Host", Host(h), "hosts/h_0123456789abcdef0123.json"},
		{"Cycle", Cycle(c), "cycles/2026-11-20T1200Z.json"},
		{"FleetScorecard", FleetScorecard(c), "scorecards/2026-11-20T1200Z/fleet.json"},
		{"HostScorecard", HostScorecard(c, h), "scorecards/2026-11-20T1200Z/hosts/h_0123456789abcdef0123.json"},
		{"OrgData", OrgData(Leavers, v, CSV), "org/leavers/20261120T120000Z-1a2b3c4d.csv"},
		{"OrgCurrent", OrgCurrent(Leavers), "org/leavers/current.json"},
		{"Audit", audit, "audit/2026/11/20/20261120T110000.000000005Z-w_0102030405060708-00000000000000000042.json"},
		{"AuditDay", AuditDay(at), "audit/2026/11/20/"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// built returns every key and prefix the builders make from the given
// IDs, with the prefix each must stay under and its number of segments.
func built(t testing.TB, c CycleID, h HostID, r ReportID, k OrgKind, v OrgVersion, f Format) []struct {
	name, key, under string
	segs             int
	prefix           bool
} {
	a, err := Audit(c.Time(), NewWriterID(), 1)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := ParseHash(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	type entry = struct {
		name, key, under string
		segs             int
		prefix           bool
	}
	out := []entry{
		{"Facts", Facts(c, h, r), FactsPrefix, 4, false},
		{"Results", Results(c, h, r), ResultsPrefix, 4, false},
		{"Host", Host(h), HostsPrefix, 2, false},
		{"Cycle", Cycle(c), CyclesPrefix, 2, false},
		{"FleetScorecard", FleetScorecard(c), ScorecardsPrefix, 3, false},
		{"HostScorecard", HostScorecard(c, h), ScorecardsPrefix, 4, false},
		{"OrgData", OrgData(k, v, f), OrgPrefix, 3, false},
		{"OrgCurrent", OrgCurrent(k), OrgPrefix, 3, false},
		{"Audit", a, AuditPrefix, 5, false},
		{"Token", Token(hash), TokensPrefix, 3, false},
		{"EnrollSecret", EnrollSecret(hash), AuthPrefix, 3, false},
		{"MachineIndex", MachineIndex(hash), IndexPrefix, 3, false},
		{"CycleFacts", CycleFacts(c), FactsPrefix, 3, true},
		{"HostFacts", HostFacts(c, h), FactsPrefix, 4, true},
		{"CycleResults", CycleResults(c), ResultsPrefix, 3, true},
		{"HostResults", HostResults(c, h), ResultsPrefix, 4, true},
		{"Org", Org(k), OrgPrefix, 3, true},
		{"AuditDay", AuditDay(c.Time()), AuditPrefix, 5, true},
	}
	for i, p := range HostData(c, h) {
		segs, prefix := 4, true
		if i == 2 {
			prefix = false // the scorecard is one key
		}
		out = append(out, entry{"HostData", p, []string{FactsPrefix, ResultsPrefix, ScorecardsPrefix}[i], segs, prefix})
	}
	return out
}

func checkBuilt(t *testing.T, c CycleID, h HostID, r ReportID, k OrgKind, v OrgVersion, f Format) {
	t.Helper()
	for _, b := range built(t, c, h, r, k, v, f) {
		if b.prefix {
			if err := store.ValidPrefix(b.key); err != nil {
				t.Errorf("%s = %q: %v", b.name, b.key, err)
			}
		} else if err := store.ValidKey(b.key); err != nil {
			t.Errorf("%s = %q: %v", b.name, b.key, err)
		}
		if !strings.HasPrefix(b.key, b.under) {
			t.Errorf("%s = %q, want it under %q", b.name, b.key, b.under)
		}
		if got := strings.Count(b.key, "/") + 1; got != b.segs {
			t.Errorf("%s = %q has %d segments, want %d", b.name, b.key, got, b.segs)
		}
	}
}

func TestBuiltKeysValidAndConfined(t *testing.T) {
	c, h, r := mustIDs(t)
	for _, k := range OrgKinds() {
		for _, f := range []Format{JSON, CSV, YAML} {
			v, err := NewOrgVersion(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			checkBuilt(t, c, h, r, k, v, f)
		}
	}
	checkBuilt(t, c, NewHostID(), r, Leavers, OrgVersion{"20261120T120000Z-1a2b3c4d"}, JSON)
}

func FuzzParsedIDsStayInside(f *testing.F) {
	for _, s := range append([]string{goodHost, goodCycle, goodReport, "leavers", "20261120T120000Z-1a2b3c4d", "json"}, hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, h, r := mustIDs(t)
		k, v, fm := Leavers, OrgVersion{"20261120T120000Z-1a2b3c4d"}, JSON
		accepted := false
		if id, err := ParseHostID(s); err == nil {
			h, accepted = id, true
		}
		if id, err := ParseCycleID(s); err == nil {
			c, accepted = id, true
		}
		if id, err := ParseReportID(s); err == nil {
			r, accepted = id, true
		}
		if id, err := ParseOrgKind(s); err == nil {
			k, accepted = id, true
		}
		if id, err := ParseOrgVersion(s); err == nil {
			v, accepted = id, true
		}
		if id, err := ParseFormat(s); err == nil {
			fm, accepted = id, true
		}
		if !accepted {
			return
		}
		if strings.ContainsAny(s, "/\\%.\x00") || s == "" {
			t.Fatalf("a parser accepted %q", s)
		}
		checkBuilt(t, c, h, r, k, v, fm)
	})
}

func TestZeroIDPanics(t *testing.T) {
	c, h, r := mustIDs(t)
	tests := map[string]func(){
		"Facts zero report":   func() { Facts(c, h, ReportID{}) },
		"Facts zero host":     func() { Facts(c, HostID{}, r) },
		"Results zero cycle":  func() { Results(CycleID{}, h, r) },
		"Host":                func() { Host(HostID{}) },
		"OrgData zero kind":   func() { OrgData(OrgKind{}, OrgVersion{"20261120T120000Z-1a2b3c4d"}, JSON) },
		"OrgData zero format": func() { OrgData(Leavers, OrgVersion{"20261120T120000Z-1a2b3c4d"}, Format{}) },
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		})
	}
}

func TestCycleAt(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 59, 999, time.FixedZone("X", -5*3600))
	c, err := CycleAt(at)
	if err != nil {
		t.Fatal(err)
	}
	if c.String() != "2026-11-20T1700Z" {
		t.Errorf("CycleAt(%v) = %s, want 2026-11-20T1700Z", at, c)
	}
	if want := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC); !c.Time().Equal(want) {
		t.Errorf("%s.Time() = %v, want %v", c, c.Time(), want)
	}
	if _, err := CycleAt(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Errorf("CycleAt(year 10000) = nil error, want one")
	}
	back, err := ParseCycle(Cycle(c))
	if err != nil || back != c {
		t.Errorf("ParseCycle(Cycle(%s)) = %s, %v", c, back, err)
	}
	for _, bad := range []string{"cycles/x.json", "hosts/2026-11-20T1200Z.json", "cycles/2026-11-20T1200Z", "cycles/2026-11-20T1200Z.json/x"} {
		if _, err := ParseCycle(bad); err == nil {
			t.Errorf("ParseCycle(%q) = nil error, want one", bad)
		}
	}
}

func TestAuditKeysSortByTime(t *testing.T) {
	base := time.Date(2026, 11, 20, 23, 59, 59, 0, time.UTC)
	var keys []string
	w := NewWriterID()
	for i, d := range []time.Duration{0, 1, 10, 999, time.Millisecond, time.Second - 1, time.Second} {
		k, err := Audit(base.Add(d), w, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if !slices.IsSorted(keys) {
		t.Errorf("audit keys of increasing times are not sorted: %q", keys)
	}
	if !strings.HasPrefix(keys[len(keys)-1], "audit/2026/11/21/") {
		t.Errorf("Audit(midnight) = %q, want it on the next day", keys[len(keys)-1])
	}
}

func TestNewIDsParse(t *testing.T) {
	seen := map[HostID]bool{}
	for range 100 {
		h := NewHostID()
		if _, err := ParseHostID(h.String()); err != nil {
			t.Fatalf("ParseHostID(NewHostID()) = %v", err)
		}
		if seen[h] {
			t.Fatalf("NewHostID repeated %s", h)
		}
		seen[h] = true
	}
	v, err := NewOrgVersion(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseOrgVersion(v.String()); err != nil {
		t.Fatalf("ParseOrgVersion(NewOrgVersion()) = %v", err)
	}
}

func TestJSONValidates(t *testing.T) {
	type entry struct {
		Host  HostID   `json:"host"`
		Cycle CycleID  `json:"cycle"`
		Kind  OrgKind  `json:"kind"`
		Rep   ReportID `json:"report"`
	}
	c, h, r := mustIDs(t)
	in := entry{h, c, Waivers, r}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out entry
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("json round trip of %s = %+v, %v", b, out, err)
	}
	for _, bad := range []string{
		`{"host":"../x"}`, `{"cycle":"2026"}`, `{"kind":"x"}`, `{"report":"A"}`,
	} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("json.Unmarshal(%s) = nil error, want the ID rejected", bad)
		}
	}
}

func TestParseHost(t *testing.T) {
	_, h, _ := mustIDs(t)
	if back, err := ParseHost(Host(h)); err != nil || back != h {
		t.Fatalf("ParseHost(Host(%s)) = %s, %v", h, back, err)
	}
	for _, bad := range []string{"hosts/../x.json", "hosts/h_x.json", "cycles/" + goodHost + ".json", "hosts/" + goodHost} {
		if _, err := ParseHost(bad); err == nil {
			t.Errorf("ParseHost(%q) = nil error, want one", bad)
		}
	}
}

func TestParseAudit(t *testing.T) {
	w := NewWriterID()
	at := time.Date(2026, 11, 20, 23, 59, 59, 123, time.UTC)
	for _, seq := range []uint64{1, 2, 99, 1<<64 - 1} {
		k, err := Audit(at, w, seq)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseAudit(k)
		if err != nil {
			t.Fatalf("ParseAudit(%q): %v", k, err)
		}
		if !got.Time.Equal(at) || got.Writer != w || got.Seq != seq {
			t.Errorf("ParseAudit(%q) = %+v, want %s %s %d", k, got, at, w, seq)
		}
	}
	for _, bad := range []string{
		"",
		"audit/2026/11/20/20261120T235959.000000123Z-w_0102030405060708-00000000000000000001",
		"audit/2026/11/21/20261120T235959.000000123Z-w_0102030405060708-00000000000000000001.json", // day differs from time
		"audit/2026/11/20/20261120T235959.123Z-w_0102030405060708-00000000000000000001.json",       // not fixed width
		"audit/2026/11/20/20261120T235959.000000123Z-w_01020304050607-00000000000000000001.json",   // short writer
		"audit/2026/11/20/20261120T235959.000000123Z-w_0102030405060708-1.json",                    // short seq
		"audit/2026/11/20/20261120T235959.000000123Z-w_0102030405060708-99999999999999999999.json", // seq overflows
		"audit/2026/11/20/20261120T235959.000000123Z-w_0102030405060708-0000000000000000000x.json",
		"audit/2026/11/20/20261120T235959.000000123Z-0102030405060708.json", // the old layout
		"hosts/2026/11/20/20261120T235959.000000123Z-w_0102030405060708-00000000000000000001.json",
	} {
		if got, err := ParseAudit(bad); err == nil {
			t.Errorf("ParseAudit(%q) = %+v, want an error", bad, got)
		}
	}
}

// FuzzParseKeys feeds arbitrary keys and digests to the parsers of listed
// keys (ParseHost, ParseCycle) and of hashes (ParseHash): what they accept
// must be exactly the key the builders make of the result, so a listing
// can never name an object outside its prefix, and no parser may panic.
func FuzzParseKeys(f *testing.F) {
	for _, s := range append([]string{
		HostsPrefix + goodHost + ".json", CyclesPrefix + goodCycle + ".json",
		strings.Repeat("ab", 32), strings.Repeat("AB", 32), HostsPrefix + goodHost + ".json.json",
		CyclesPrefix + "../" + goodCycle + ".json", HostsPrefix + ".json",
	}, hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if h, err := ParseHost(s); err == nil {
			if Host(h) != s {
				t.Fatalf("ParseHost(%q) = %s, whose key is %q", s, h, Host(h))
			}
		}
		if c, err := ParseCycle(s); err == nil {
			if Cycle(c) != s {
				t.Fatalf("ParseCycle(%q) = %s, whose key is %q", s, c, Cycle(c))
			}
		}
		if h, err := ParseHash(s); err == nil {
			if h.String() != s || len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
				t.Fatalf("ParseHash accepted %q", s)
			}
			for _, k := range []string{Token(h), EnrollSecret(h), MachineIndex(h)} {
				if strings.Count(k, "/") != 2 || !strings.HasSuffix(k, "/"+s+".json") {
					t.Fatalf("key %q built from hash %q is not <prefix>/<kind>/<hash>.json", k, s)
				}
			}
		}
	})
}
