package orgdata

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/waiver"
)

var update = flag.Bool("update", false, "rewrite golden files")

var known = []string{"ICO-ACC-01", "ICO-ACC-03", "ICO-SEC-01"}

func date(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestLoadDirGolden loads every kind from testdata/good and compares
// data.org with the golden file (go test -update rewrites it).
func TestLoadDirGolden(t *testing.T) {
	s, err := LoadDir("testdata/good", known)
	if err != nil {
		t.Fatalf("LoadDir(testdata/good) = %v", err)
	}
	data := s.PolicyData()
	if _, err := ast.InterfaceToValue(data); err != nil {
		t.Errorf("ast.InterfaceToValue(PolicyData()) = %v", err)
	}
	got, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "good.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("PolicyData() mismatch (go test -update to accept)\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// TestLoadDirTyped checks the Go values of the good fixtures, which the
// golden file cannot show (waivers, dates as times, defaults).
func TestLoadDirTyped(t *testing.T) {
	s, err := LoadDir("testdata/good", known)
	if err != nil {
		t.Fatalf("LoadDir(testdata/good) = %v", err)
	}
	wantWaivers := []waiver.Waiver{
		{
			ID: "W-001", Control: "ICO-SEC-01", Hosts: []string{"legacy-*"},
			Reason:   "Legacy case system runs only on Debian 10; replacement goes live in March 2027 (project CM-22).",
			Approver: "Jane Smith (SIRO)", Created: date("2026-04-01"), Expires: date("2027-03-31"),
		},
		{
			ID: "W-002", Control: "ICO-ACC-01", Tags: map[string]string{"env": "production"}, Subject: "svc-report",
			Reason:   "Service account used by the monthly report job; logs in monthly.",
			Approver: "Head of IT", Created: date("2026-10-01"), Expires: date("2026-12-31"),
		},
	}
	if !reflect.DeepEqual(s.Waivers, wantWaivers) {
		t.Errorf("Waivers = %+v, want %+v", s.Waivers, wantWaivers)
	}
	wantLeavers := []Leaver{
		{User: "jbloggs", Email: "j.bloggs@example.gov.uk", LeftOn: date("2026-10-01")},
		{User: "asmith", LeftOn: date("2026-09-15")},
		{Email: "c.jones@example.gov.uk", LeftOn: date("2026-10-20")},
	}
	if !reflect.DeepEqual(s.Leavers, wantLeavers) {
		t.Errorf("Leavers = %+v, want %+v", s.Leavers, wantLeavers)
	}
	if got := s.Plans[0].RecordRecovery; got == nil || !*got {
		t.Errorf("Plans[0].RecordRecovery = %v, want true", got)
	}
	if got := s.Plans[1].LastTest; !got.IsZero() {
		t.Errorf("Plans[1].LastTest = %v, want zero (never tested)", got)
	}
	if got := s.DataStores[0].PersonalData; !got {
		t.Errorf("DataStores[0].PersonalData = false, want true (the default)")
	}

	th := s.Thresholds.WithDefaults()
	for _, tt := range []struct {
		name string
		got  *int
		want int
	}{
		{"dormant_days (given)", th.DormantDays, 60},
		{"retention_grace_days (given as 0)", th.RetentionGraceDays, 0},
		{"os_warn_days (default)", th.OSWarnDays, 180},
		{"missed_cycles (default)", th.MissedCycles, 2},
		{"min_coverage_percent (default)", th.MinCoveragePercent, 50},
	} {
		if tt.got == nil || *tt.got != tt.want {
			t.Errorf("WithDefaults().%s = %v, want %d", tt.name, tt.got, tt.want)
		}
	}
	if got := th.S62JustificationRequired; got == nil || *got {
		t.Errorf("WithDefaults().S62JustificationRequired = %v, want false (given)", got)
	}
}

// TestDefaults pins the defaults to the data.org contract, which leaves
// out the scorecard's min_coverage_percent.
func TestDefaults(t *testing.T) {
	want := map[string]any{
		"dormant_days": 45, "os_warn_days": 180, "patch_days": 14,
		"backup_max_age_days": 7, "restore_test_max_age_days": 90,
		"plan_review_months": 12, "plan_test_months": 12,
		"retention_grace_days": 30, "soft_delete_purge_days": 30,
		"failure_hours": 24, "missed_cycles": 2,
		"log_retention_days":         90,
		"s62_justification_required": true,
	}
	d := Defaults()
	if got := d.policyData(); !reflect.DeepEqual(got, want) {
		t.Errorf("Defaults() = %v, want %v", got, want)
	}
}

// TestParseErrors feeds one bad file of each kind and expects every
// problem, with file, line and field.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		file string
		data string
		want []string
	}{
		{
			name: "plan date not a date, duplicate plan, bad glob, bad bool",
			kind: KindPlans, file: "plans.yaml",
			data: `plans:
  - id: BCP-1
    name: One
    owner: IT
    covers: {hosts: ["db-*"]}
    last_review: 2026-13-01
  - id: BCP-1
    name: Two
    owner: IT
    covers: {hosts: ["db-[", "db-{1,2}", "db-[!0]"]}
    record_recovery: yes
`,
			want: []string{
				`plans.yaml:6: last_review: "2026-13-01" is not a date (YYYY-MM-DD)`,
				`plans.yaml:7: id: duplicate plan "BCP-1" (first on line 2)`,
				`plans.yaml:10: covers.hosts[0]: "db-[" is not a valid pattern (want *, ? and [a-z] classes)`,
				`plans.yaml:10: covers.hosts[1]: "db-{1,2}" uses {}, \ or a negated class, which Go and the policies' glob.match read differently: use only *, ? and [a-z] classes`,
				`plans.yaml:10: covers.hosts[2]: "db-[!0]" uses {}, \ or a negated class, which Go and the policies' glob.match read differently: use only *, ? and [a-z] classes`,
				`plans.yaml:11: record_recovery: "yes" is not true or false`,
			},
		},
		{
			name: "plan missing fields, unknown field, covers nothing",
			kind: KindPlans, file: "plans.yaml",
			data: `plans:
  - id: BCP-1
    ownr: IT
    covers: {}
    last_test: 01/02/2026
`,
			want: []string{
				`plans.yaml:2: name: missing`,
				`plans.yaml:2: owner: missing`,
				`plans.yaml:3: ownr: unknown field (want id, name, owner, covers, last_review, last_test, record_recovery)`,
				`plans.yaml:4: covers: selects no host: give hosts (name patterns), tags, or both`,
				`plans.yaml:5: last_test: "01/02/2026" is not a date (YYYY-MM-DD)`,
			},
		},
		{
			name: "waiver for an unknown control, bad dates, no selector",
			kind: KindWaivers, file: "waivers.yaml",
			data: `waivers:
  - id: W-1
    control: ICO-SEC-99
    reason: legacy
    approver: CISO
    created: 2026-02-30
    expires: 2026-12-31
  - id: W-2
    control: ICO-SEC-01
    hosts: ["*"]
    reason: legacy
    approver: CISO
    created: 2026-06-01
    expires: 2026-05-31
  - id: W-3
    control: ICO-SEC-01
    hosts: ["*"]
    reason: legacy
    approver: CISO
    created: 2026-01-01
    expires: 2027-01-03
`,
			want: []string{
				`waivers.yaml:2: hosts: missing: a waiver must select hosts by name pattern (hosts: ["*"] for all), tags, or both`,
				`waivers.yaml:3: control: unknown control "ICO-SEC-99" (known: ICO-ACC-01, ICO-ACC-03, ICO-SEC-01)`,
				`waivers.yaml:6: created: "2026-02-30" is not a date (YYYY-MM-DD)`,
				`waivers.yaml:14: expires: 2026-05-31 is before created (2026-06-01)`,
				`waivers.yaml:21: expires: 2027-01-03 is 367 days after created (2026-01-01): a waiver may run at most 366 days; renew it when it is reviewed`,
			},
		},
		{
			name: "waiver missing everything, duplicate id",
			kind: KindWaivers, file: "w.yaml",
			data: `waivers:
  - id: W-1
    control: ICO-SEC-01
    tags: {env: production}
    reason: legacy
    approver: CISO
    created: 2026-01-01
    expires: 2026-06-30
  - {id: W-1}
`,
			want: []string{
				`w.yaml:9: control: missing`,
				`w.yaml:9: reason: missing`,
				`w.yaml:9: approver: missing`,
				`w.yaml:9: created: missing`,
				`w.yaml:9: expires: missing`,
				`w.yaml:9: id: duplicate waiver "W-1" (first on line 2)`,
				`w.yaml:9: hosts: missing: a waiver must select hosts by name pattern (hosts: ["*"] for all), tags, or both`,
			},
		},
		{
			name: "thresholds out of range, not numbers, unknown key, repeated key",
			kind: KindThresholds, file: "thresholds.yaml",
			data: `thresholds:
  dormant_days: 0
  patch_days: 7.5
  backup_max_age_days: week
  restore_test_max_age_days: 90
  restore_test_max_age_days: 60
  dormancy_days: 30
  s62_justification_required: "no"
  min_coverage_percent: 101
`,
			want: []string{
				`thresholds.yaml:2: dormant_days: 0 is out of range: want 1 to 3650`,
				`thresholds.yaml:3: patch_days: "7.5" is not a whole number`,
				`thresholds.yaml:4: backup_max_age_days: "week" is not a whole number`,
				`thresholds.yaml:6: restore_test_max_age_days: given twice (first on line 5)`,
				`thresholds.yaml:7: dormancy_days: unknown field (want dormant_days, os_warn_days, patch_days, backup_max_age_days, restore_test_max_age_days, plan_review_months, plan_test_months, retention_grace_days, soft_delete_purge_days, failure_hours, missed_cycles, log_retention_days, min_coverage_percent, s62_justification_required)`,
				`thresholds.yaml:8: s62_justification_required: "no" is not true or false`,
				`thresholds.yaml:9: min_coverage_percent: 101 is out of range: want 0 to 100`,
			},
		},
		{
			name: "leavers CSV: bad date, duplicate user, bad email, empty row, wrong field count",
			kind: KindLeavers, file: "leavers.csv",
			data: "user,email,left_on\n" +
				"jbloggs,j.bloggs@example.gov.uk,2026-10-01\n" +
				"asmith,a.smith,2026-09-31\n" +
				"jbloggs,,2026-11-01\n" +
				",,2026-11-01\n" +
				"bob,bob@example.gov.uk\n" +
				"\"multi\nline\",,2026-01-01\n",
			want: []string{
				`leavers.csv:3: email: "a.smith" is not an email address`,
				`leavers.csv:3: left_on: "2026-09-31" is not a date (YYYY-MM-DD)`,
				`leavers.csv:4: user: leaver "jbloggs" listed twice (first on line 2)`,
				`leavers.csv:5: user: empty: give user, email or both`,
				`leavers.csv:6: column 1: invalid CSV: wrong number of fields`,
				`leavers.csv:7: user: "multi\nline" contains a space or control character`,
			},
		},
		{
			name: "leavers CSV: bad header",
			kind: KindLeavers, file: "leavers.csv",
			data: "name,left,left_on,left_on\njb,x,2026-01-01,2026-01-01\n",
			want: []string{
				`leavers.csv:1: column 1: unknown column "name" (want user, email, left_on)`,
				`leavers.csv:1: column 2: unknown column "left" (want user, email, left_on)`,
				`leavers.csv:1: column 4: column "left_on" given twice`,
				`leavers.csv:1: user: missing column: want user, email or both`,
			},
		},
		{
			name: "leavers CSV: empty",
			kind: KindLeavers, file: "leavers.csv",
			data: "# nothing yet\n",
			want: []string{`leavers.csv:1: the file is empty: want a header row (user,email,left_on)`},
		},
		{
			name: "leavers YAML: duplicates and missing date",
			kind: KindLeavers, file: "leavers.yaml",
			data: `leavers:
  - {user: jb, email: JB@example.gov.uk, left_on: 2026-01-01}
  - {email: jb@example.gov.uk}
  - {left_on: 2026-01-01}
`,
			want: []string{
				`leavers.yaml:3: left_on: missing`,
				`leavers.yaml:3: email: leaver "jb@example.gov.uk" listed twice (first on line 2)`,
				`leavers.yaml:4: user: missing: give user, email or both`,
			},
		},
		{
			name: "approved admins: twice, bad pattern, list instead of mapping",
			kind: KindApprovedAdmins, file: "approved_admins.yaml",
			data: `approved_admins:
  - user: alice
  - user: alice
    hosts: ["web-*", "a b"]
  - bob
`,
			want: []string{
				`approved_admins.yaml:3: user: admin "alice" listed twice (first on line 2): list all their hosts in one entry`,
				`approved_admins.yaml:4: hosts[1]: "a b" contains a space or control character`,
				`approved_admins.yaml:5: want a mapping, got "bob"`,
			},
		},
		{
			name: "data stores: duplicate, relative path, retention missing",
			kind: KindDataStores, file: "data_stores.yaml",
			data: `data_stores:
  - id: complaints
    hosts: [files-1]
    path: /srv/complaints
    retention_days: 730
  - id: complaints
    hosts: []
    path: srv/../complaints
    purge_days: -1
`,
			want: []string{
				`data_stores.yaml:6: retention_days: missing`,
				`data_stores.yaml:6: id: duplicate data store "complaints" (first on line 2)`,
				`data_stores.yaml:7: hosts: is an empty list: want at least one host name pattern`,
				`data_stores.yaml:8: path: "srv/../complaints" is not a clean absolute path (want e.g. /srv/complaints)`,
				`data_stores.yaml:9: purge_days: -1 is out of range: want 0 to 3650`,
			},
		},
		{
			name: "host tags: bad host, bad tag, host twice",
			kind: KindHostTags, file: "host_tags.yaml",
			data: `host_tags:
  db-1: {role: continuity-system}
  "web 1": {env: production}
  files-1: {"": x, env: [a]}
  db-1: {env: test}
`,
			want: []string{
				`host_tags.yaml:3: host: "web 1" is not a host name (letters, digits, '.', '_', '-')`,
				`host_tags.yaml:4: files-1: a tag name is empty`,
				`host_tags.yaml:4: files-1.env: want a single value, got a list`,
				`host_tags.yaml:5: db-1: host given twice (first on line 2)`,
			},
		},
		{
			name: "baseline: bad ports and branches",
			kind: KindBaseline, file: "baseline.yaml",
			data: `baseline:
  allowed_ports: [22, 70000, 22, ssh]
  protected_branches: main
`,
			want: []string{
				`baseline.yaml:2: allowed_ports[1]: 70000 is out of range: want 1 to 65535`,
				`baseline.yaml:2: allowed_ports[2]: port 22 given twice (first on line 2)`,
				`baseline.yaml:2: allowed_ports[3]: "ssh" is not a whole number`,
				`baseline.yaml:3: protected_branches: want a list, got "main"`,
			},
		},
		{
			name: "empty file",
			kind: KindPlans, file: "plans.yaml",
			data: "# nothing\n",
			want: []string{`plans.yaml:1: the file is empty: want the key "plans" (write "plans: []" for none)`},
		},
		{
			name: "top-level key without value, and another key",
			kind: KindHostTags, file: "host_tags.yaml",
			data: "hosts:\n  db-1: {}\nhost_tags:\n",
			want: []string{
				`host_tags.yaml:1: hosts: unknown field (want host_tags)`,
				`host_tags.yaml:3: host_tags: is empty (write "host_tags: {}" for none)`,
			},
		},
		{
			name: "wrong kind of file",
			kind: KindPlans, file: "plans.yaml",
			data: "waivers: []\n",
			want: []string{
				`plans.yaml:1: waivers: unknown field (want plans)`,
				`plans.yaml:1: missing the top-level key "plans"`,
			},
		},
		{
			name: "YAML syntax error",
			kind: KindBaseline, file: "baseline.yaml",
			data: "baseline:\n  allowed_ports: [22, 443\n",
			// yaml.v3 reports where the unclosed list's context starts,
			// counting lines from 0 for parser errors: line 1 here.
			want: []string{`baseline.yaml:1: invalid YAML: did not find expected ',' or ']'`},
		},
		{
			name: "aliases refused",
			kind: KindHostTags, file: "host_tags.yaml",
			data: "host_tags:\n  db-1: &prod {env: production}\n  db-2: *prod\n",
			want: []string{`host_tags.yaml:3: YAML aliases (*prod) are not supported: write the value out in full`},
		},
		{
			name: "two documents",
			kind: KindBaseline, file: "baseline.yaml",
			data: "baseline: {}\n---\nbaseline: {}\n",
			want: []string{`baseline.yaml:2: more than one YAML document: want exactly one`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Set
			err := s.Load(tt.kind, tt.file, []byte(tt.data), known)
			if err == nil {
				t.Fatalf("Load(%s, %q) = nil, want errors", tt.kind, tt.file)
			}
			var got []string
			for _, p := range Problems(err) {
				got = append(got, p.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Load(%s, %q) errors:\n%s\nwant:\n%s", tt.kind, tt.file, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if err.Error() != strings.Join(got, "\n") {
				t.Errorf("Load error text = %q, want the problems one per line", err.Error())
			}
			if !reflect.DeepEqual(s, Set{}) {
				t.Errorf("Load(%s) with errors changed the set: %+v", tt.kind, s)
			}
		})
	}
}

// TestParseAccepts covers valid variants the golden fixtures do not.
func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		file string
		data string
		want map[string]any // PolicyData of a set holding only this kind
	}{
		{"empty list is provided, not absent", KindPlans, "plans.yaml", "plans: []\n", map[string]any{
			"plans": []any{},
		}},
		{"empty approved-admin list", KindApprovedAdmins, "a.yaml", "approved_admins: []\n", map[string]any{"approved_admins": []any{}}},
		{"empty thresholds", KindThresholds, "t.yaml", "thresholds: {}\n", map[string]any{"thresholds": map[string]any{}}},
		{"empty baseline lists", KindBaseline, "b.yaml", "baseline: {allowed_ports: []}\n", map[string]any{"baseline": map[string]any{"allowed_ports": []any{}}}},
		{
			"leavers CSV with BOM, reordered header, spaces and CRLF", KindLeavers, "leavers.csv",
			"\ufeffLeft_On, User\r\n2026-01-02, jb\r\n",
			map[string]any{
				"leavers":          []any{map[string]any{"user": "jb", "left_on": "2026-01-02"}},
				"leavers_by_user":  map[string]any{"jb": map[string]any{"user": "jb", "left_on": "2026-01-02"}},
				"leavers_by_email": map[string]any{},
			},
		},
		{
			"leavers CSV header only", KindLeavers, "leavers.csv", "user,email,left_on\n",
			map[string]any{"leavers": []any{}, "leavers_by_user": map[string]any{}, "leavers_by_email": map[string]any{}},
		},
		{
			"tag values that look like numbers", KindHostTags, "host_tags.yaml",
			"host_tags:\n  db-1: {floor: 3, dr: true}\n",
			map[string]any{"host_tags": map[string]any{"db-1": map[string]any{"floor": "3", "dr": "true"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Set
			if err := s.Load(tt.kind, tt.file, []byte(tt.data), known); err != nil {
				t.Fatalf("Load(%s, %q) = %v", tt.kind, tt.data, err)
			}
			if got := s.PolicyData(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PolicyData() after Load(%s, %q) = %#v, want %#v", tt.kind, tt.data, got, tt.want)
			}
		})
	}
}

func TestWaiversUncheckedControls(t *testing.T) {
	data := "waivers:\n  - {id: W-1, control: ICO-NEW-01, hosts: [\"*\"], reason: r, approver: a, created: 2026-01-01, expires: 2026-02-01}\n"
	ws, err := ParseWaivers("waivers.yaml", []byte(data), nil)
	if err != nil || len(ws) != 1 || ws[0].Control != "ICO-NEW-01" {
		t.Errorf("ParseWaivers(knownControls nil) = %+v, %v, want the waiver", ws, err)
	}
}

func TestLoadDirBad(t *testing.T) {
	s, err := LoadDir("testdata/bad", known)
	if s != nil {
		t.Errorf("LoadDir(testdata/bad) set = %+v, want nil", s)
	}
	var got []string
	for _, p := range Problems(err) {
		got = append(got, p.Error())
	}
	dir := filepath.Join("testdata", "bad")
	want := []string{
		filepath.Join(dir, "leavers.yaml") + ": both leavers.csv and leavers.yaml exist: keep one",
		filepath.Join(dir, "plans.yaml") + `:8: id: duplicate plan "BCP-IT-01" (first on line 2)`,
		filepath.Join(dir, "waivers.yaml") + `:3: control: unknown control "ICO-SEC-42" (known: ICO-ACC-01, ICO-ACC-03, ICO-SEC-01)`,
		filepath.Join(dir, "waivers.yaml") + `:7: created: "2026-04-31" is not a date (YYYY-MM-DD)`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadDir(testdata/bad) errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadDirMissing(t *testing.T) {
	if _, err := LoadDir(filepath.Join(t.TempDir(), "nope"), known); err == nil {
		t.Error("LoadDir(missing dir) = nil error, want one")
	}
	s, err := LoadDir(t.TempDir(), known)
	if err != nil {
		t.Fatalf("LoadDir(empty dir) = %v", err)
	}
	if got := s.PolicyData(); len(got) != 0 {
		t.Errorf("LoadDir(empty dir).PolicyData() = %v, want {} (nothing provided)", got)
	}
}

func TestLoadUnknownKind(t *testing.T) {
	var s Set
	if err := s.Load("budgets", "budgets.yaml", []byte("budgets: []"), nil); err == nil {
		t.Error(`Load("budgets") = nil, want an error`)
	}
}

func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("user,left_on\n")
	for range 150 {
		b.WriteString("x,not-a-date\n")
	}
	_, err := ParseLeaversCSV("leavers.csv", []byte(b.String()))
	ps := Problems(err)
	if len(ps) != maxErrors+1 {
		t.Fatalf("ParseLeaversCSV(150 bad rows) gave %d problems, want %d", len(ps), maxErrors+1)
	}
	if last := ps[maxErrors].Error(); !strings.Contains(last, "more errors not shown") {
		t.Errorf("last problem = %q, want a count of the rest", last)
	}
}

func TestHostTags(t *testing.T) {
	h := HostTags{"db-1": {"role": "continuity-system", "env": "production"}}
	tests := []struct {
		host     string
		reported map[string]string
		want     map[string]string
	}{
		{"db-1", nil, map[string]string{"role": "continuity-system", "env": "production"}},
		{"db-1", map[string]string{"env": "test", "os": "debian"}, map[string]string{"role": "continuity-system", "env": "test", "os": "debian"}},
		{"web-1", nil, map[string]string{}},
	}
	for _, tt := range tests {
		if got := h.Tags(tt.host, tt.reported); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tags(%q, %v) = %v, want %v", tt.host, tt.reported, got, tt.want)
		}
	}
	if h["db-1"]["env"] != "production" {
		t.Error("Tags modified the organisation's tags")
	}
}

func TestCoverage(t *testing.T) {
	c := Coverage{Hosts: []string{"db-*"}, Tags: map[string]string{"role": "continuity-system", "env": "production"}}
	tests := []struct {
		host string
		tags map[string]string
		want bool
	}{
		{"db-1", nil, true},
		{"web-1", map[string]string{"role": "continuity-system", "env": "production"}, true},
		{"web-1", map[string]string{"role": "continuity-system"}, false},
		{"web-1", nil, false},
	}
	for _, tt := range tests {
		if got := c.Covers(tt.host, tt.tags); got != tt.want {
			t.Errorf("Covers(%q, %v) = %v, want %v", tt.host, tt.tags, got, tt.want)
		}
	}
	if (Coverage{}).Covers("db-1", map[string]string{"a": "b"}) {
		t.Error("empty Coverage covers a host")
	}
}

func TestDocsDescribeEveryThreshold(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "org-data.md"))
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{s62Key}
	for _, s := range thresholdSpecs {
		keys = append(keys, s.key)
	}
	for _, k := range keys {
		if !bytes.Contains(doc, []byte("`"+k+"`")) {
			t.Errorf("docs/org-data.md does not describe threshold `%s`", k)
		}
	}
}
