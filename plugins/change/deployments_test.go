package change

import (
	"strings"
	"testing"
	"time"
)

func TestParseDeployments(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	d := func(app, when, commit, branch string, reviewers ...string) Deployment {
		if reviewers == nil {
			reviewers = []string{}
		}
		return Deployment{Application: app, DeployedAt: at(when), Commit: commit, Branch: branch, ReviewedBy: reviewers, Record: "f"}
	}
	tests := []struct {
		name  string
		in    string
		want  []Deployment
		warns []string
	}{
		{"empty", "", []Deployment{}, nil},
		{"one", `{"application":"a","deployed_at":"2026-08-20T14:03:00Z","commit":"c","branch":"main","reviewed_by":["r"]}`, []Deployment{d("a", "2026-08-20T14:03:00Z", "c", "main", "r")}, nil},
		{"offset to UTC", `{"application":"a","deployed_at":"2026-08-20T15:03:00+01:00"}`, []Deployment{d("a", "2026-08-20T14:03:00Z", "", "")}, nil},
		{
			"latest wins, not last line",
			"{\"application\":\"a\",\"deployed_at\":\"2026-08-20T00:00:00Z\",\"commit\":\"new\"}\n{\"application\":\"a\",\"deployed_at\":\"2026-08-01T00:00:00Z\",\"commit\":\"old\"}",
			[]Deployment{d("a", "2026-08-20T00:00:00Z", "new", "")}, nil,
		},
		{
			"tie goes to later line",
			"{\"application\":\"a\",\"deployed_at\":\"2026-08-20T00:00:00Z\",\"commit\":\"first\"}\n{\"application\":\"a\",\"deployed_at\":\"2026-08-20T00:00:00Z\",\"commit\":\"second\"}",
			[]Deployment{d("a", "2026-08-20T00:00:00Z", "second", "")}, nil,
		},
		{"sorted", "{\"application\":\"b\",\"deployed_at\":\"2026-08-20T00:00:00Z\"}\r\n{\"application\":\"a\",\"deployed_at\":\"2026-08-20T00:00:00Z\"}", []Deployment{d("a", "2026-08-20T00:00:00Z", "", ""), d("b", "2026-08-20T00:00:00Z", "", "")}, nil},
		{"one reviewer as a string", `{"application":"a","deployed_at":"2026-08-20T00:00:00Z","reviewed_by":"r"}`, []Deployment{d("a", "2026-08-20T00:00:00Z", "", "", "r")}, nil},
		{"null and blank reviewers", `{"application":"a","deployed_at":"2026-08-20T00:00:00Z","reviewed_by":[""," ","x","x"]}`, []Deployment{d("a", "2026-08-20T00:00:00Z", "", "", "x")}, nil},
		{"comments and blanks", "# c\n\n   \n", []Deployment{}, nil},
		{"not json", "nope", []Deployment{}, []string{"f:1: decode:"}},
		{"no application", `{"deployed_at":"2026-08-20T00:00:00Z"}`, []Deployment{}, []string{"f:1: no application"}},
		{"bad time", "\n" + `{"application":"a","deployed_at":"2026-08-20"}`, []Deployment{}, []string{`f:2: application "a": deployed_at`}},
		{"bad reviewers", `{"application":"a","deployed_at":"2026-08-20T00:00:00Z","reviewed_by":{"x":1}}`, []Deployment{}, []string{"reviewed_by: want a list of names or one name"}},
		{"bad commit type", `{"application":"a","deployed_at":"2026-08-20T00:00:00Z","commit":7}`, []Deployment{}, []string{"decode:"}},
		{
			"long line skipped, next kept",
			`{"application":"a","deployed_at":"2026-08-20T00:00:00Z","x":"` + strings.Repeat("y", maxRecordLine) + "\"}\n" + `{"application":"b","deployed_at":"2026-08-20T00:00:00Z"}`,
			[]Deployment{d("b", "2026-08-20T00:00:00Z", "", "")}, []string{"f:1: line longer than"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns := ParseDeployments("f", []byte(tt.in))
			if show(got) != show(tt.want) {
				t.Errorf("ParseDeployments(%.80q) = %s, want %s", tt.in, show(got), show(tt.want))
			}
			if len(warns) != len(tt.warns) {
				t.Fatalf("ParseDeployments(%.80q) warnings = %q, want %d like %q", tt.in, warns, len(tt.warns), tt.warns)
			}
			for i, w := range tt.warns {
				if !strings.Contains(warns[i], w) {
					t.Errorf("ParseDeployments(%.80q) warning %d = %q, want it to contain %q", tt.in, i, warns[i], w)
				}
			}
		})
	}
}
