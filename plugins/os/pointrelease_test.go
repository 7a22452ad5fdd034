package osinfo

import "testing"

func TestReleaseFileParsers(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) string
		in    string
		want  string
	}{
		{"debian point release", parseDebianVersion, "12.7\n", "12.7"},
		{"debian 11", parseDebianVersion, "11.11\n", "11.11"},
		{"debian testing codename", parseDebianVersion, "trixie/sid\n", ""},
		{"ubuntu's debian_version", parseDebianVersion, "bookworm/sid\n", ""},
		{"debian old major only", parseDebianVersion, "9\n", "9"},
		{"debian blank", parseDebianVersion, "\n", ""},
		{"debian trailing junk", parseDebianVersion, "12.7 extra\n", ""},
		{"alpine", parseAlpineRelease, "3.20.3\n", "3.20.3"},
		{"alpine edge snapshot", parseAlpineRelease, "3.21_alpha20240807\n", ""},
		{"rocky", parseRedHatRelease, "Rocky Linux release 9.6 (Blue Onyx)\n", "9.6"},
		{"rhel", parseRedHatRelease, "Red Hat Enterprise Linux release 9.4 (Plow)\n", "9.4"},
		{"centos 7", parseRedHatRelease, "CentOS Linux release 7.9.2009 (Core)\n", "7.9.2009"},
		{"centos stream", parseRedHatRelease, "CentOS Stream release 9\n", "9"},
		{"fedora", parseRedHatRelease, "Fedora release 40 (Forty)\n", "40"},
		{"no release word", parseRedHatRelease, "Something 9.4\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.parse([]byte(tt.in)); got != tt.want {
				t.Errorf("%s: parse(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
			}
		})
	}
}

func TestVersionFromVersion(t *testing.T) {
	tests := []struct {
		version, versionID, want string
	}{
		{"22.04.5 LTS (Jammy Jellyfish)", "22.04", "22.04.5"},
		{"24.04 LTS (Noble Numbat)", "24.04", ""},
		{"12 (bookworm)", "12", ""},
		{"9.6 (Blue Onyx)", "9.6", ""},
		{"22.04.5 LTS", "", ""},
		{"220.4", "22", ""},
		{"", "22.04", ""},
	}
	for _, tt := range tests {
		id := identity{Version: tt.version, VersionID: tt.versionID}
		if got := versionFromVersion(id); got != tt.want {
			t.Errorf("versionFromVersion(VERSION=%q, VERSION_ID=%q) = %q, want %q", tt.version, tt.versionID, got, tt.want)
		}
	}
}

func TestConsistent(t *testing.T) {
	tests := []struct {
		v, versionID string
		want         bool
	}{
		{"12.7", "12", true},
		{"3.20.3", "3.20.3", true},
		{"9.6", "9.6", true},
		{"13.1", "12", false},
		{"120.1", "12", false},
		{"12.7", "", true},
		{"", "12", false},
	}
	for _, tt := range tests {
		if got := consistent(tt.v, tt.versionID); got != tt.want {
			t.Errorf("consistent(%q, %q) = %v, want %v", tt.v, tt.versionID, got, tt.want)
		}
	}
}

func TestReleaseFileAppliesTo(t *testing.T) {
	tests := []struct {
		path string
		id   identity
		want bool
	}{
		{"/etc/debian_version", identity{ID: "debian"}, true},
		{"/etc/debian_version", identity{ID: "raspbian", IDLike: []string{"debian"}}, true},
		{"/etc/debian_version", identity{ID: "alpine"}, false},
		{"/etc/alpine-release", identity{ID: "alpine"}, true},
		{"/etc/redhat-release", identity{ID: "rocky", IDLike: []string{"rhel", "centos", "fedora"}}, true},
		{"/etc/redhat-release", identity{ID: "ubuntu", IDLike: []string{"debian"}}, false},
	}
	for _, tt := range tests {
		var rf releaseFile
		for _, r := range releaseFiles {
			if r.path == tt.path {
				rf = r
			}
		}
		if rf.path == "" {
			t.Fatalf("no release file %s", tt.path)
		}
		if got := rf.appliesTo(tt.id); got != tt.want {
			t.Errorf("%s appliesTo(%+v) = %v, want %v", tt.path, tt.id, got, tt.want)
		}
	}
}
