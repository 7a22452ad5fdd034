package patching

import (
	"reflect"
	"testing"
	"time"
)

func TestParseRelease(t *testing.T) {
	tests := []struct {
		name, in   string
		want       release
		wantOrigin string
	}{
		{
			"InRelease",
			"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\nLabel: Debian-Security\nSuite: stable-security\nVersion: 12\nCodename: bookworm-security\nDate: Thu, 16 Jul 2026 19:47:21 UTC\nSHA256:\n abc 1 main/binary-amd64/Packages\n-----BEGIN PGP SIGNATURE-----\n\nOrigin: forged\n-----END PGP SIGNATURE-----\n",
			release{Origin: "Debian", Label: "Debian-Security", Suite: "stable-security", Version: "12", Codename: "bookworm-security", Date: time.Date(2026, 7, 16, 19, 47, 21, 0, time.UTC)},
			"Debian-Security:12/stable-security",
		},
		{
			"Release, numeric zone, one-digit day, no version",
			"Origin: Ubuntu\nLabel: Ubuntu\nSuite: noble-security\nCodename: noble\nDate: Mon, 3 Aug 2026 12:00:00 +0100\n\nOrigin: second stanza\n",
			release{Origin: "Ubuntu", Label: "Ubuntu", Suite: "noble-security", Codename: "noble", Date: time.Date(2026, 8, 3, 11, 0, 0, 0, time.UTC)},
			"Ubuntu:noble-security",
		},
		{"bad date, only origin", "Origin: Local\nCodename: x\nDate: yesterday\n", release{Origin: "Local", Codename: "x"}, "Local:x"},
		{"empty", "", release{}, ""},
		{"signature header only", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n", release{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseRelease([]byte(tt.in))
			if got != tt.want {
				t.Errorf("parseRelease(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if o := got.origin(); o != tt.wantOrigin {
				t.Errorf("origin of %+v = %q, want %q", got, o, tt.wantOrigin)
			}
		})
	}
}

func TestParseAptConf(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
	}{
		{"20auto-upgrades", "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
			map[string]string{"apt::periodic::update-package-lists": "1", "apt::periodic::unattended-upgrade": "1"}},
		{"scopes and comments", "// off\n# also a comment\n/* APT::Periodic::Unattended-Upgrade \"9\"; */\nAPT {\n  Periodic {\n    Unattended-Upgrade \"0\"; // trailing\n  };\n};\nUnattended-Upgrade::Origins-Pattern { \"origin=Debian\"; };\n",
			map[string]string{"apt::periodic::unattended-upgrade": "0"}},
		{"bare value, later wins", "APT::Periodic::Unattended-Upgrade 0;\napt::periodic::unattended-upgrade always;\n",
			map[string]string{"apt::periodic::unattended-upgrade": "always"}},
		{"directives ignored", "#clear APT::Periodic;\n#include \"/etc/x\";\nA::B \"c\";", map[string]string{"a::b": "c"}},
		{"unterminated", "A::B \"c", map[string]string{}},
		{"unbalanced braces", "}}} A { B \"1\"; ", map[string]string{"a::b": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			parseAptConf([]byte(tt.in), func(k, v string) { got[k] = v })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseAptConf(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestPeriodicEnabled(t *testing.T) {
	for in, want := range map[string]bool{"1": true, "7": true, "always": true, "Always": true, "2d": true, "12h": true,
		"0": false, "": false, "-1": false, "no": false, "0d": false, "true": false} {
		if got := periodicEnabled(in); got != want {
			t.Errorf("periodicEnabled(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestAptConfPart(t *testing.T) {
	for in, want := range map[string]bool{"20auto-upgrades": true, "50unattended-upgrades": true, "99local.conf": true,
		"20auto-upgrades.ucf-dist": false, "50x.dpkg-old": false, "x.disabled": false, "x~": false, "": false, "a b": false} {
		if got := aptConfPart(in); got != want {
			t.Errorf("aptConfPart(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestListNames(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		security bool
		archive  string
	}{
		{"deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages", "packages", true, "deb.debian.org/debian-security bookworm-security"},
		{"security.debian.org_debian-security_dists_buster_updates_main_binary-amd64_Packages", "packages", true, "security.debian.org/debian-security buster"},
		{"archive.ubuntu.com_ubuntu_dists_noble-security_main_binary-amd64_Packages.gz", "packages", true, "archive.ubuntu.com/ubuntu noble-security"},
		{"esm.ubuntu.com_apps_ubuntu_dists_jammy-apps-security_main_binary-amd64_Packages", "packages", true, "esm.ubuntu.com/apps/ubuntu jammy-apps-security"},
		{"deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", "packages", false, "deb.debian.org/debian bookworm"},
		{"deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages", "packages", false, "deb.debian.org/debian bookworm-updates"},
		{"mirror.local_patches_dists_bookworm_main_binary-amd64_Packages", "packages", true, "mirror.local/patches bookworm"},
		{"deb.debian.org_debian-security_dists_bookworm-security_InRelease", "release", true, "deb.debian.org/debian-security bookworm-security"},
		{"deb.debian.org_debian_dists_bookworm_main_i18n_Translation-en", "", false, "deb.debian.org/debian bookworm"},
		{"lock", "", false, "lock"},
	}
	patterns := []string{"mirror.local_patches_*"}
	for _, tt := range tests {
		if got := listKind(tt.name); got != tt.kind {
			t.Errorf("listKind(%q) = %q, want %q", tt.name, got, tt.kind)
		}
		if got := isSecurityList(tt.name, patterns); got != tt.security {
			t.Errorf("isSecurityList(%q) = %v, want %v", tt.name, got, tt.security)
		}
		if got := archiveName(tt.name); got != tt.archive {
			t.Errorf("archiveName(%q) = %q, want %q", tt.name, got, tt.archive)
		}
	}
}

func TestReleaseFor(t *testing.T) {
	l := aptLists{releases: []listFile{
		{name: "deb.debian.org_debian_dists_bookworm_Release"},
		{name: "deb.debian.org_debian_dists_bookworm_InRelease"},
		{name: "deb.debian.org_debian_dists_bookworm-updates_InRelease"},
		{name: "deb.debian.org_debian-security_dists_bookworm-security_Release"},
	}}
	tests := map[string]string{
		"deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages":                   "deb.debian.org_debian_dists_bookworm_InRelease",
		"deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages":           "deb.debian.org_debian_dists_bookworm-updates_InRelease",
		"deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages": "deb.debian.org_debian-security_dists_bookworm-security_Release",
		"other.example_dists_x_main_binary-amd64_Packages":                                  "",
	}
	for list, want := range tests {
		got, ok := l.releaseFor(list)
		if (want == "") == ok || got.name != want {
			t.Errorf("releaseFor(%q) = %q, %v; want %q", list, got.name, ok, want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		in        string
		want      []string
		wantWarns int
	}{
		{"", nil, 0},
		{"{}", nil, 0},
		{`{"security_lists":["mirror.local_*_Packages","*-patches_*"]}`, []string{"mirror.local_*_Packages", "*-patches_*"}, 0},
		{`{"security_lists":["[bad", 3, "", "ok_*"]}`, []string{"ok_*"}, 3},
		{`{"security_lists":"x"}`, nil, 1},
		{`[`, nil, 1},
	}
	for _, tt := range tests {
		got, warns := parseOptions([]byte(tt.in))
		if !reflect.DeepEqual(got.SecurityLists, tt.want) || len(warns) != tt.wantWarns {
			t.Errorf("parseOptions(%q) = %q, %q; want %q with %d warnings", tt.in, got.SecurityLists, warns, tt.want, tt.wantWarns)
		}
	}
}

// FuzzParseRelease checks that the Release parser never panics and
// returns dates in UTC (plugins/internal/dpkg fuzzes the package parsers).
func FuzzParseRelease(f *testing.F) {
	f.Add([]byte("Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\n\nPackage: x\n"))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\r\n\r\nOrigin: Debian\nDate: Thu, 16 Jul 2026 19:47:21 UTC\n-----BEGIN PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if r := parseRelease(data); !r.Date.IsZero() && r.Date.Location() != time.UTC {
			t.Errorf("parseRelease(%q).Date = %v, not UTC", data, r.Date)
		}
	})
}

// FuzzParseAptConf checks that the apt.conf reader never panics and
// gives lower-case keys.
func FuzzParseAptConf(f *testing.F) {
	f.Add([]byte("APT { Periodic { Unattended-Upgrade \"1\"; }; };\n/* x */ // y\n# z\n"))
	f.Add([]byte("A \"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parseAptConf(data, func(k, v string) {
			for _, c := range k {
				if c >= 'A' && c <= 'Z' {
					t.Errorf("parseAptConf(%q) gave key %q, not lower-case", data, k)
				}
			}
		})
	})
}
