package osinfo

import (
	"slices"
	"testing"
)

func TestAptSourceEnabled(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		deb822 bool
		want   bool
	}{
		{"one-line entry", "deb https://esm.ubuntu.com/infra/ubuntu jammy-infra-security main\n", false, true},
		{"one-line all commented", "# deb https://esm.ubuntu.com/infra/ubuntu jammy-infra-security main\n", false, false},
		{"one-line empty", "", false, false},
		{"deb822 stanza", "Types: deb\nURIs: https://esm.ubuntu.com/infra/ubuntu\nSuites: noble-infra-security\nComponents: main\n", true, true},
		{"deb822 disabled", "Types: deb\nURIs: https://esm.ubuntu.com/infra/ubuntu\nEnabled: no\n", true, false},
		{"deb822 enabled yes", "Types: deb\nURIs: https://esm.ubuntu.com/infra/ubuntu\nEnabled: yes\n", true, true},
		{"deb822 commented out", "# Types: deb\n# URIs: https://esm.ubuntu.com/infra/ubuntu\n", true, false},
		{"deb822 second stanza enabled", "Types: deb\nURIs: https://a\nEnabled: no\n\nTypes: deb\nURIs: https://b\n", true, true},
		{"deb822 empty", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aptSourceEnabled([]byte(tt.in), tt.deb822); got != tt.want {
				t.Errorf("aptSourceEnabled(%q, %v) = %v, want %v", tt.in, tt.deb822, got, tt.want)
			}
		})
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"{}", nil, false},
		{`{"entitlements": ["rhel-els"]}`, []string{"rhel-els"}, false},
		{`{"entitlements": ["windows-esu", "rhel-els"]}`, []string{"windows-esu", "rhel-els"}, false},
		{`{"entitlements": ["RHEL ELS"]}`, nil, true},
		{`{"entitlement": ["rhel-els"]}`, nil, true},
		{`{"entitlements": "rhel-els"}`, nil, true},
		{`[`, nil, true},
	}
	for _, tt := range tests {
		got, err := parseOptions([]byte(tt.in))
		if (err != nil) != tt.wantErr || !slices.Equal(got.Entitlements, tt.want) {
			t.Errorf("parseOptions(%q) = %v, %v, want %v, error %v", tt.in, got.Entitlements, err, tt.want, tt.wantErr)
		}
	}
}

func TestMergeEntitlements(t *testing.T) {
	got := mergeEntitlements([]string{"ubuntu-pro"}, []string{"rhel-els", "ubuntu-pro"})
	if want := []string{"rhel-els", "ubuntu-pro"}; !slices.Equal(got, want) {
		t.Errorf("mergeEntitlements = %v, want %v", got, want)
	}
	if got := mergeEntitlements(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("mergeEntitlements(nil, nil) = %#v, want an empty non-nil slice", got)
	}
}
