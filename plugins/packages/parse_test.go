package packages

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestRepository(t *testing.T) {
	tests := []struct{ name, want string }{
		{"deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", "deb.debian.org/debian bookworm/main"},
		{"deb.debian.org_debian-security_dists_bookworm-security_non-free-firmware_binary-amd64_Packages.gz", "deb.debian.org/debian-security bookworm-security/non-free-firmware"},
		{"archive.ubuntu.com_ubuntu_dists_jammy-updates_universe_binary-arm64_Packages", "archive.ubuntu.com/ubuntu jammy-updates/universe"},
		{"apt.example.com_my%5frepo_dists_stable_main_binary-all_Packages", "apt.example.com/my_repo stable/main"},
		{"download.example.org_repo_._Packages", "download.example.org/repo/."},
		{"ppa.example.net_x_dists_focal_Packages", "ppa.example.net/x focal"},
	}
	for _, tt := range tests {
		if got := repository(tt.name); got != tt.want {
			t.Errorf("repository(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestUpstreamVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3.11.2-6+deb12u6", "3.11.2"},
		{"18.19.0+dfsg-6~deb12u2", "18.19.0"},
		{"17.0.13+11-2~deb12u1", "17.0.13"},
		{"1:5.36.0-7+deb12u1", "5.36.0"},
		{"2.7.18", "2.7.18"},
		{"git-snapshot", "git"},
	}
	for _, tt := range tests {
		if got := upstreamVersion(tt.in); got != tt.want {
			t.Errorf("upstreamVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindRuntimes(t *testing.T) {
	eol := map[string]map[string]string{"python": {"3.7": "2023-06-27"}}
	tests := []struct {
		name string
		pkgs []pkg
		want []Runtime
	}{
		{"none", []pkg{{Name: "sudo", Arch: "amd64", Version: "1.9.13p3-1+deb12u4"}, {Name: "python3", Arch: "amd64", Version: "3.11.2-1+b1"}}, []Runtime{}},
		{"python with date", []pkg{{Name: "python3.7-minimal", Arch: "amd64", Version: "3.7.3-2+deb10u7"}, {Name: "python3.7", Arch: "amd64", Version: "3.7.3-2+deb10u7"}},
			[]Runtime{{"python", "3.7.3", "3.7", "/usr/bin/python3.7", "python3.7-minimal", "2023-06-27"}}},
		{"perl, php, ruby, go, openjdk", []pkg{
			{Name: "perl-base", Arch: "amd64", Version: "5.36.0-7+deb12u1"},
			{Name: "php8.2-cli", Arch: "amd64", Version: "8.2.28-1~deb12u1"},
			{Name: "ruby3.1", Arch: "amd64", Version: "3.1.2-7+deb12u1"},
			{Name: "golang-1.19-go", Arch: "amd64", Version: "1.19.8-2"},
			{Name: "openjdk-17-jre-headless", Arch: "arm64", Version: "17.0.15+6-1~deb12u1"},
		}, []Runtime{
			{"perl", "5.36.0", "5.36", "/usr/bin/perl", "perl-base", ""},
			{"php", "8.2.28", "8.2", "/usr/bin/php8.2", "php8.2-cli", ""},
			{"ruby", "3.1.2", "3.1", "/usr/bin/ruby3.1", "ruby3.1", ""},
			{"go", "1.19.8", "1.19", "/usr/lib/go-1.19/bin/go", "golang-1.19-go", ""},
			{"openjdk", "17.0.15", "17", "/usr/lib/jvm/java-17-openjdk-arm64/bin/java", "openjdk-17-jre-headless", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findRuntimes(tt.pkgs, eol)
			want := append([]Runtime{}, tt.want...)
			sortRuntimes(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("findRuntimes =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

// sortRuntimes sorts by path, as findRuntimes promises.
func sortRuntimes(rs []Runtime) {
	slices.SortFunc(rs, func(a, b Runtime) int { return strings.Compare(a.Path, b.Path) })
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		wantSource string
		wantEOL    map[string]map[string]string
		wantWarns  []string
	}{
		{"empty", ``, "", nil, nil},
		{"no options", `{}`, "", nil, nil},
		{"table with source", `{"runtime_lifecycle":"eol@1","runtime_eol":{"python":{"3.7":"2023-06-27"}}}`, "eol@1",
			map[string]map[string]string{"python": {"3.7": "2023-06-27"}}, nil},
		{"table without source", `{"runtime_eol":{"nodejs":{"18":"2025-04-30"}}}`, defaultLifecycleSource,
			map[string]map[string]string{"nodejs": {"18": "2025-04-30"}}, nil},
		{"source without table", `{"runtime_lifecycle":"eol@1"}`, "", nil, []string{"given without runtime_eol"}},
		{"not an object", `[1]`, "", nil, []string{"using the defaults"}},
		{"bad date", `{"runtime_eol":{"python":{"3.7":"2023-13-01","3.8":"2024-10-07"}}}`, defaultLifecycleSource,
			map[string]map[string]string{"python": {"3.8": "2024-10-07"}}, []string{"not a YYYY-MM-DD date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, warns := parseOptions([]byte(tt.raw))
			if o.Source != tt.wantSource || !reflect.DeepEqual(o.EOL, tt.wantEOL) {
				t.Errorf("parseOptions(%s) = %+v, want source %q, eol %v", tt.raw, o, tt.wantSource, tt.wantEOL)
			}
			if len(warns) != len(tt.wantWarns) {
				t.Fatalf("warnings %q, want %d", warns, len(tt.wantWarns))
			}
			for i, w := range tt.wantWarns {
				if !strings.Contains(warns[i], w) {
					t.Errorf("warning %q does not contain %q", warns[i], w)
				}
			}
		})
	}
}
