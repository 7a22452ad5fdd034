package hosttags

import (
	"encoding/json"
	"strings"
	"testing"
)

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func boolp(b bool) *bool { return &b }

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  Declaration
		warns []string // substrings, one per warning
	}{
		{"empty", "", Declaration{Tags: map[string]string{}}, nil},
		{"comments and blanks", "# x\n\n   # y\n", Declaration{Tags: map[string]string{}}, nil},
		{"tags trimmed", " role =  db \nenv=production", Declaration{Tags: map[string]string{"role": "db", "env": "production"}}, nil},
		{"value with equals", "note = a=b", Declaration{Tags: map[string]string{"note": "a=b"}}, nil},
		{"plans deduplicated", "plan = A-1, B-2\nplan=A-1", Declaration{Tags: map[string]string{}, PlanRefs: []string{"A-1", "B-2"}}, nil},
		{"bad plan", "plan = A-1, ,B 2", Declaration{Tags: map[string]string{}, PlanRefs: []string{"A-1"}}, []string{`plan reference ""`, `plan reference "B 2"`}},
		{"continuity yes", "continuity_system = YES", Declaration{Tags: map[string]string{}, ContinuitySystem: boolp(true)}, nil},
		{"continuity changed", "continuity_system = true\ncontinuity_system = 0", Declaration{Tags: map[string]string{}, ContinuitySystem: boolp(false)}, []string{"t:2: continuity_system given again"}},
		{"continuity bad", "continuity_system = maybe", Declaration{Tags: map[string]string{}}, []string{`"maybe" is not true or false`}},
		{"no equals", "role continuity-system", Declaration{Tags: map[string]string{}}, []string{"t:1: want key = value"}},
		{"bad key", "-role = x", Declaration{Tags: map[string]string{}}, []string{`tag key "-role"`}},
		{"empty value", "role =", Declaration{Tags: map[string]string{}}, []string{`tag "role" has an empty value`}},
		{"long value", "role = " + strings.Repeat("x", 257), Declaration{Tags: map[string]string{}}, []string{"longer than 256"}},
		{"control character", "role = a\x01b", Declaration{Tags: map[string]string{}}, []string{"control characters"}},
		{"repeated tag", "role = a\nrole = b\nrole = b", Declaration{Tags: map[string]string{"role": "b"}}, []string{"t:2: tag \"role\" given again"}},
		{"crlf", "role = db\r\n", Declaration{Tags: map[string]string{"role": "db"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns := Parse("t", []byte(tt.in))
			if show(got) != show(tt.want) {
				t.Errorf("Parse(%q) = %s, want %s", tt.in, show(got), show(tt.want))
			}
			if len(warns) != len(tt.warns) {
				t.Fatalf("Parse(%q) warnings = %q, want %d like %q", tt.in, warns, len(tt.warns), tt.warns)
			}
			for i, w := range tt.warns {
				if !strings.Contains(warns[i], w) {
					t.Errorf("Parse(%q) warning %d = %q, want it to contain %q", tt.in, i, warns[i], w)
				}
			}
		})
	}
}
