package osinfo

import (
	"testing"
	"time"
)

func TestParseHostname(t *testing.T) {
	tests := []struct{ in, want string }{
		{"web01\n", "web01"},
		{"  web01.example.org  \n", "web01.example.org"},
		{"# set by cloud-init\n\nsid-builder\n", "sid-builder"},
		{"", ""},
		{"\n\n", ""},
	}
	for _, tt := range tests {
		if got := parseHostname([]byte(tt.in)); got != tt.want {
			t.Errorf("parseHostname(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseMachineID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"4d3c2b1a09f8e7d6c5b4a39281706f5e\n", "4d3c2b1a09f8e7d6c5b4a39281706f5e"},
		{"", ""},
		{"uninitialized\n", ""},
		{"4D3C2B1A09F8E7D6C5B4A39281706F5E\n", ""},
		{"4d3c2b1a09f8e7d6c5b4a39281706f5\n", ""},
		{"4d3c2b1a-09f8-e7d6-c5b4-a39281706f5e\n", ""},
	}
	for _, tt := range tests {
		if got := parseMachineID([]byte(tt.in)); got != tt.want {
			t.Errorf("parseMachineID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseBootTime(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"cpu  1 2 3\nbtime 1794110400\nprocesses 9\n", time.Date(2026, 11, 8, 4, 0, 0, 0, time.UTC), true},
		{"cpu  1 2 3\n", time.Time{}, false},
		{"btime notanumber\n", time.Time{}, false},
		{"btime 0\n", time.Time{}, false},
		{"btime 1 2\n", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseBootTime([]byte(tt.in))
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("parseBootTime(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestParseArch(t *testing.T) {
	tests := []struct{ in, want string }{
		{"amd64\n", "x86_64"},
		{"arm64\n", "aarch64"},
		{"amd64\ni386\n", "x86_64"},
		{"x86_64\n", "x86_64"},
		{"ppc64el\n", "ppc64le"},
		{"s390x\n", "s390x"},
		{"", ""},
		{"not an arch\n", ""},
	}
	for _, tt := range tests {
		if got := parseArch([]byte(tt.in)); got != tt.want {
			t.Errorf("parseArch(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDpkgStatusArch(t *testing.T) {
	const status = `Package: base-files
Status: install ok installed
Architecture: amd64
Description: Debian base system miscellaneous files

Package: libc6
Status: install ok installed
Architecture: i386
Multi-Arch: same

Package: dpkg
Essential: yes
Status: install ok installed
Architecture: arm64
Description: Debian package management system
 Architecture: not-this-one
`
	tests := []struct{ name, in, want string }{
		{"dpkg stanza", status, "aarch64"},
		{"dpkg stanza last without blank line", "Package: zlib1g\nArchitecture: amd64\n\nPackage: dpkg\nArchitecture: amd64", "x86_64"},
		{"crlf", "Package: dpkg\r\nArchitecture: ppc64el\r\n", "ppc64le"},
		{"no dpkg", "Package: libc6\nArchitecture: amd64\n", ""},
		{"dpkg without architecture", "Package: dpkg\nStatus: install ok installed\n\nArchitecture: amd64\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseDpkgStatusArch([]byte(tt.in)); got != tt.want {
				t.Errorf("parseDpkgStatusArch(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
