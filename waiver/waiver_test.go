package waiver

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/result"
)

func day(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestActive(t *testing.T) {
	w := Waiver{ID: "W-1", Created: day("2026-01-10"), Expires: day("2026-03-31")}
	tests := []struct {
		now           string
		active, ended bool
	}{
		{"2026-01-09T23:59:59Z", false, false}, // before the created day
		{"2026-01-10T00:00:00Z", true, false},  // the created day starts
		{"2026-03-31T23:59:59Z", true, false},  // the last day, inclusive
		{"2026-04-01T00:00:00Z", false, true},  // the day after expiry
		{"2026-04-01T00:30:00+01:00", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.now, func(t *testing.T) {
			now := at(tt.now)
			if got := w.Active(now); got != tt.active {
				t.Errorf("Active(%s) = %v, want %v", tt.now, got, tt.active)
			}
			if got := w.Expired(now); got != tt.ended {
				t.Errorf("Expired(%s) = %v, want %v", tt.now, got, tt.ended)
			}
		})
	}
}

func TestSelects(t *testing.T) {
	prod := map[string]string{"env": "production", "role": "db"}
	tests := []struct {
		name  string
		hosts []string
		tags  map[string]string
		host  Host
		want  bool
	}{
		{"glob match", []string{"web-*"}, nil, Host{Name: "web-1"}, true},
		{"glob miss", []string{"web-*"}, nil, Host{Name: "db-1"}, false},
		{"any of several globs", []string{"web-*", "db-?"}, nil, Host{Name: "db-1"}, true},
		{"star does not cross slash", []string{"*"}, nil, Host{Name: "a/b"}, false},
		{"tags all present", nil, map[string]string{"env": "production"}, Host{Name: "db-1", Tags: prod}, true},
		{"tag value differs", nil, map[string]string{"env": "test"}, Host{Name: "db-1", Tags: prod}, false},
		{"tag missing", nil, map[string]string{"owner": "it"}, Host{Name: "db-1", Tags: prod}, false},
		{"hosts and tags both needed", []string{"db-*"}, map[string]string{"env": "production"}, Host{Name: "db-1", Tags: prod}, true},
		{"hosts match but tags do not", []string{"db-*"}, map[string]string{"env": "test"}, Host{Name: "db-1", Tags: prod}, false},
		{"no selector selects nothing", nil, nil, Host{Name: "db-1", Tags: prod}, false},
		{"malformed glob matches nothing", []string{"db-["}, nil, Host{Name: "db-["}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Waiver{Hosts: tt.hosts, Tags: tt.tags}
			if got := w.Selects(tt.host); got != tt.want {
				t.Errorf("Waiver{Hosts: %q, Tags: %v}.Selects(%+v) = %v, want %v", tt.hosts, tt.tags, tt.host, got, tt.want)
			}
		})
	}
}

// fail builds a failing result of control id with evidence subjects.
func fail(id string, subjects ...string) result.Result {
	return withStatus(id, result.Fail, subjects...)
}

func withStatus(id string, st result.Status, subjects ...string) result.Result {
	r := result.Result{ControlID: id, Severity: result.High, Status: st, Evidence: []result.Evidence{}}
	for _, s := range subjects {
		r.Evidence = append(r.Evidence, result.Evidence{Subject: s, Detail: s + " is bad"})
	}
	return r
}

func TestApply(t *testing.T) {
	now := at("2026-06-15T12:00:00Z")
	web1 := Host{Name: "web-1", Tags: map[string]string{"env": "production"}}
	w := func(id, control, subject, expires string) Waiver {
		return Waiver{ID: id, Control: control, Hosts: []string{"web-*"}, Subject: subject, Reason: "legacy app", Approver: "CISO", Created: day("2026-01-01"), Expires: day(expires)}
	}
	ref := func(id, expires string) *result.WaiverRef {
		return &result.WaiverRef{ID: id, Reason: "legacy app", Approver: "CISO", Expires: expires}
	}
	waived := func(r result.Result, ref *result.WaiverRef) result.Result {
		r.Status, r.Waiver = result.Waived, ref
		return r
	}
	note := func(r result.Result, k int, s string) result.Result {
		ev := append([]result.Evidence(nil), r.Evidence...)
		ev[k].Detail += s
		r.Evidence = ev
		return r
	}

	tests := []struct {
		name    string
		results []result.Result
		waivers []Waiver
		host    Host
		want    []result.Result
		used    Usage
	}{
		{
			name:    "whole-control waiver waives a fail",
			results: []result.Result{fail("ICO-SEC-01", "os")},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "", "2026-12-31")},
			want:    []result.Result{waived(fail("ICO-SEC-01", "os"), ref("W-1", "2026-12-31"))},
			used:    Usage{"W-1": 1},
		},
		{
			name:    "fail without evidence waived by a whole-control waiver",
			results: []result.Result{fail("ICO-SEC-01")},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "", "2026-12-31")},
			want:    []result.Result{waived(fail("ICO-SEC-01"), ref("W-1", "2026-12-31"))},
			used:    Usage{"W-1": 1},
		},
		{
			name:    "fail without evidence not waived by a subject waiver",
			results: []result.Result{fail("ICO-SEC-01")},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "os", "2026-12-31")},
			want:    []result.Result{fail("ICO-SEC-01")},
			used:    Usage{},
		},
		{
			name: "pass, warn, not_assessed and error never waived",
			results: []result.Result{
				withStatus("ICO-SEC-01", result.Pass, "os"),
				withStatus("ICO-SEC-01", result.Warn, "os"),
				withStatus("ICO-SEC-01", result.NotAssessed, "os"),
				withStatus("ICO-SEC-01", result.Error, "os"),
			},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "", "2026-12-31")},
			want: []result.Result{
				withStatus("ICO-SEC-01", result.Pass, "os"),
				withStatus("ICO-SEC-01", result.Warn, "os"),
				withStatus("ICO-SEC-01", result.NotAssessed, "os"),
				withStatus("ICO-SEC-01", result.Error, "os"),
			},
			used: Usage{},
		},
		{
			name:    "other control untouched",
			results: []result.Result{fail("ICO-ACC-01", "bob")},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "", "2026-12-31")},
			want:    []result.Result{fail("ICO-ACC-01", "bob")},
			used:    Usage{},
		},
		{
			name:    "other host untouched",
			results: []result.Result{fail("ICO-SEC-01", "os")},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "", "2026-12-31")},
			host:    Host{Name: "db-1"},
			want:    []result.Result{fail("ICO-SEC-01", "os")},
			used:    Usage{},
		},
		{
			name:    "expired waiver never applies",
			results: []result.Result{fail("ICO-SEC-01", "os")},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "", "2026-06-14")},
			want:    []result.Result{fail("ICO-SEC-01", "os")},
			used:    Usage{},
		},
		{
			name:    "waiver applies on its expiry day",
			results: []result.Result{fail("ICO-SEC-01", "os")},
			waivers: []Waiver{w("W-1", "ICO-SEC-01", "", "2026-06-15")},
			want:    []result.Result{waived(fail("ICO-SEC-01", "os"), ref("W-1", "2026-06-15"))},
			used:    Usage{"W-1": 1},
		},
		{
			name:    "waiver not yet created does not apply",
			results: []result.Result{fail("ICO-SEC-01", "os")},
			waivers: []Waiver{{ID: "W-1", Control: "ICO-SEC-01", Hosts: []string{"*"}, Created: day("2026-06-16"), Expires: day("2026-12-31")}},
			want:    []result.Result{fail("ICO-SEC-01", "os")},
			used:    Usage{},
		},
		{
			name:    "subject waivers covering every failing subject waive the result",
			results: []result.Result{fail("ICO-ACC-01", "bob", "carol")},
			waivers: []Waiver{w("W-1", "ICO-ACC-01", "bob", "2026-12-31"), w("W-2", "ICO-ACC-01", "carol", "2026-09-30")},
			// The result holds until the first of the two ends: W-2.
			want: []result.Result{waived(note(fail("ICO-ACC-01", "bob", "carol"), 0, " (waived by W-1 until 2026-12-31)"), ref("W-2", "2026-09-30"))},
			used: Usage{"W-1": 1, "W-2": 1},
		},
		{
			name:    "subject waiver covering some subjects leaves a fail with notes",
			results: []result.Result{fail("ICO-ACC-01", "bob", "carol")},
			waivers: []Waiver{w("W-12", "ICO-ACC-01", "bob", "2026-12-31")},
			want:    []result.Result{note(fail("ICO-ACC-01", "bob", "carol"), 0, " (waived by W-12 until 2026-12-31)")},
			used:    Usage{"W-12": 1},
		},
		{
			name:    "subject waiver for a subject not failing covers nothing",
			results: []result.Result{fail("ICO-ACC-01", "carol")},
			waivers: []Waiver{w("W-12", "ICO-ACC-01", "bob", "2026-12-31")},
			want:    []result.Result{fail("ICO-ACC-01", "carol")},
			used:    Usage{},
		},
		{
			name:    "longest-lasting waiver counts; whole-control and subject together",
			results: []result.Result{fail("ICO-ACC-01", "bob", "carol")},
			waivers: []Waiver{w("W-1", "ICO-ACC-01", "", "2026-07-31"), w("W-2", "ICO-ACC-01", "bob", "2026-12-31")},
			// bob: W-2 lasts longer; carol: only W-1. The result holds
			// until W-1 ends.
			want: []result.Result{waived(note(fail("ICO-ACC-01", "bob", "carol"), 0, " (waived by W-2 until 2026-12-31)"), ref("W-1", "2026-07-31"))},
			used: Usage{"W-1": 1, "W-2": 1},
		},
		{
			name:    "equal expiry: the waiver listed first is the reference",
			results: []result.Result{fail("ICO-SEC-01", "os")},
			waivers: []Waiver{w("W-7", "ICO-SEC-01", "", "2026-12-31"), w("W-3", "ICO-SEC-01", "", "2026-12-31")},
			want:    []result.Result{waived(fail("ICO-SEC-01", "os"), ref("W-7", "2026-12-31"))},
			used:    Usage{"W-7": 1, "W-3": 1},
		},
		{
			name:    "tag selector",
			results: []result.Result{fail("ICO-SEC-01", "os")},
			waivers: []Waiver{{ID: "W-1", Control: "ICO-SEC-01", Tags: map[string]string{"env": "production"}, Reason: "legacy app", Approver: "CISO", Created: day("2026-01-01"), Expires: day("2026-12-31")}},
			want:    []result.Result{waived(fail("ICO-SEC-01", "os"), ref("W-1", "2026-12-31"))},
			used:    Usage{"W-1": 1},
		},
		{
			name:    "several results counted per waiver",
			results: []result.Result{fail("ICO-ACC-01", "bob"), fail("ICO-ACC-03", "bob")},
			waivers: []Waiver{w("W-1", "ICO-ACC-01", "bob", "2026-12-31"), w("W-2", "ICO-ACC-03", "", "2026-12-31")},
			want: []result.Result{
				waived(fail("ICO-ACC-01", "bob"), ref("W-1", "2026-12-31")),
				waived(fail("ICO-ACC-03", "bob"), ref("W-2", "2026-12-31")),
			},
			used: Usage{"W-1": 1, "W-2": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := tt.host
			if host.Name == "" {
				host = web1
			}
			before := clone(tt.results)
			got, used := Apply(tt.results, host, tt.waivers, now)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Apply() results =\n%+v\nwant\n%+v", got, tt.want)
			}
			if !reflect.DeepEqual(used, tt.used) {
				t.Errorf("Apply() usage = %v, want %v", used, tt.used)
			}
			if !reflect.DeepEqual(tt.results, before) {
				t.Errorf("Apply() modified its input: %+v, was %+v", tt.results, before)
			}
		})
	}
}

func clone(rs []result.Result) []result.Result {
	out := make([]result.Result, len(rs))
	for i, r := range rs {
		r.Evidence = slices.Clone(r.Evidence)
		out[i] = r
	}
	return out
}

func TestUsageAdd(t *testing.T) {
	u := Usage{"W-1": 2}
	u.Add(Usage{"W-1": 1, "W-2": 3})
	u.Add(nil)
	if want := (Usage{"W-1": 3, "W-2": 3}); !reflect.DeepEqual(u, want) {
		t.Errorf("Usage after Add = %v, want %v", u, want)
	}
}
