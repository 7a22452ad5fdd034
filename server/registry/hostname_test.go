package registry

import (
	"strings"
	"testing"
)

// TestEnrollRequestHostname checks that enrollment takes only host names
// waivers, plans and tags can match reliably.
func TestEnrollRequestHostname(t *testing.T) {
	tests := []struct {
		hostname string
		want     string // "" means valid; else a part of the error
	}{
		{"web-1", ""},
		{"WEB-1.corp.example.gov.uk", ""},
		{"db_replica-02", ""},
		{"1", ""},
		{strings.Repeat("a", 63) + "." + strings.Repeat("b", 63), ""},
		{"web-*", `"web-*" has the character '*'`},
		{"web?", `has the character '?'`},
		{"[ab]", `has the character '['`},
		{"_web", `does not start and end`},
		{"web 1", `has the character ' '`},
		{"../hosts/x", `label 1 is empty`},
		{"a/b", `has the character '/'`},
		{"a\\b", `has the character '\\'`},
		{"-web", `does not start and end`},
		{"web-", `does not start and end`},
		{"web..corp", `label 2 is empty`},
		{"web.", `label 2 is empty`},
		{".web", `label 1 is empty`},
		{strings.Repeat("a", 64), `longer than 63`},
		{"héte", `has the character`},
		{strings.Repeat("a.", 126) + "ab", `longer than 253`},
		{"", "hostname is required"},
		{" ", "hostname is required"},
		{strings.Repeat("a", 254), "longer than 253"},
		{"x\x00y", "control characters"},
	}
	for _, tt := range tests {
		err := EnrollRequest{Hostname: tt.hostname, MachineID: "m"}.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Validate(hostname %q) = %v, want nil", tt.hostname, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Validate(hostname %q) = %v, want an error with %q", tt.hostname, err, tt.want)
		}
	}
}
