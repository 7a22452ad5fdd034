package dpkg

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func TestReadStatus(t *testing.T) {
	tests := []struct {
		name          string
		files         map[string]string
		notApplicable bool
		want          string // in the data, or in the error
	}{
		{"debian", map[string]string{"var/lib/dpkg/status": "Package: a\n"}, false, "Package: a"},
		{"rhel", map[string]string{"etc/redhat-release": "Rocky Linux 9\n"}, true, "RHEL family"},
		{"alpine", map[string]string{"lib/apk/db/installed": "P:musl\n"}, true, "Alpine (apk)"},
		{"nothing", nil, true, "no supported package manager"},
		{"empty status", map[string]string{"var/lib/dpkg/status": ""}, false, "lists no package"},
		{"garbage status", map[string]string{"var/lib/dpkg/status": "\x00\x01garbage"}, false, "binary data"},
		{"status cut short", map[string]string{"var/lib/dpkg/status": "Package: a\nStatus: install ok inst"}, false, "cut short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			root, err := hostroot.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			data, err := ReadStatus(root)
			if errors.Is(err, sdk.ErrNotApplicable) != tt.notApplicable {
				t.Fatalf("ReadStatus(%s) error %v: not applicable = %v, want %v", tt.name, err, !tt.notApplicable, tt.notApplicable)
			}
			got := string(data)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("ReadStatus(%s) = %q, want it to contain %q", tt.name, got, tt.want)
			}
		})
	}
}

// TestReadStatusDanglingLink checks that a status that is a link to
// nothing is a dpkg host whose packages are unknown, not a host without
// dpkg.
func TestReadStatusDanglingLink(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "var/lib/dpkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/nonexistent/status", filepath.Join(dir, "var/lib/dpkg/status")); err != nil {
		t.Fatal(err)
	}
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, err := ReadStatus(root); err == nil || errors.Is(err, sdk.ErrNotApplicable) {
		t.Errorf("ReadStatus(dangling status link) = %v, want an error that is not ErrNotApplicable", err)
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Package
	}{
		{"empty", "", nil},
		{"installed", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9+deb12u14\n", []Package{{Name: "libc6", Arch: "amd64", Version: "2.36-9+deb12u14"}}},
		{
			"states",
			"Package: a\nStatus: hold ok installed\nVersion: 1\nArchitecture: all\n\n" +
				"Package: b\nStatus: deinstall ok config-files\nVersion: 1\n\n" +
				"Package: c\nStatus: purge ok not-installed\n\n" +
				"Package: d\nStatus: install ok half-configured\nVersion: 2\nArchitecture: amd64\n\n" +
				"Package: e\nStatus: install reinstreq half-installed\nVersion: 3\nArchitecture: amd64\n\n" +
				"Package: f\nStatus: broken\nVersion: 3\n",
			[]Package{{Name: "a", Arch: "all", Version: "1"}, {Name: "d", Arch: "amd64", Version: "2"}, {Name: "e", Arch: "amd64", Version: "3"}},
		},
		{
			"continuations, CRLF, case and blank lines",
			"\r\n\npackage: x\r\nDescription: long\r\n Version: 9.9\r\n .\r\nSTATUS: install ok installed\r\nversion:  1.0-1 \r\nArchitecture: arm64\r\n\r\n\r\n",
			[]Package{{Name: "x", Arch: "arm64", Version: "1.0-1"}},
		},
		{"no version", "Package: x\nStatus: install ok installed\n", nil},
		{"field without colon", "Package: x\nnonsense\nStatus: install ok installed\nVersion: 1\n", []Package{{Name: "x", Arch: "", Version: "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseStatus([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseStatus(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParsePackages(t *testing.T) {
	in := "Package: libc6\nSource: glibc\nVersion: 2.36-9+deb12u15\nArchitecture: amd64\nDepends: libgcc-s1\n\n" +
		"Package: tzdata\nVersion: 2026b-0+deb12u1\nArchitecture: all\n\nPackage: broken\nArchitecture: all\n"
	want := []Package{{Name: "libc6", Arch: "amd64", Version: "2.36-9+deb12u15"}, {Name: "tzdata", Arch: "all", Version: "2026b-0+deb12u1"}}
	if got := ParsePackages([]byte(in)); !reflect.DeepEqual(got, want) {
		t.Errorf("ParsePackages(%q) = %+v, want %+v", in, got, want)
	}
}

// FuzzParse checks that the parsers never panic and return only complete
// packages.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\n\nPackage: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range ParseStatus(data) {
			if p.Name == "" || p.Version == "" {
				t.Errorf("ParseStatus(%q) returned incomplete %+v", data, p)
			}
		}
		for _, p := range ParsePackages(data) {
			if p.Name == "" || p.Version == "" {
				t.Errorf("ParsePackages(%q) returned incomplete %+v", data, p)
			}
		}
	})
}
