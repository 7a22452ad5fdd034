package lifecycle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestVersionPrefix(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"12", 1, "12"},
		{"9.4", 1, "9"},
		{"3.20.3", 2, "3.20"},
		{"22.04", 2, "22.04"},
		{"15", 2, "15.0"},
		{"2018.03", 2, "2018.03"},
		{"2023", 2, "2023.0"},
		{"15", 3, "15.0.0"},
		{"", 1, ""},
	}
	for _, tt := range tests {
		if got := VersionPrefix(tt.in, tt.n); got != tt.want {
			t.Errorf("VersionPrefix(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// committed loads the committed policies/lifecycle/data.json.
func committed(t *testing.T) *Document {
	t.Helper()
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, DataPath))
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decode %s: %v", DataPath, err)
	}
	return &doc
}

func TestLookup(t *testing.T) {
	doc := committed(t)
	tests := []struct {
		id, name, versionID string
		product, cycle      string // "" when not matched
	}{
		{"debian", "Debian GNU/Linux", "12", "debian", "12"},
		{"debian", "Debian GNU/Linux", "", "", ""}, // testing/sid have no VERSION_ID
		{"ubuntu", "Ubuntu", "22.04", "ubuntu", "22.04"},
		{"ubuntu", "Ubuntu", "22.10", "ubuntu", "22.10"},
		{"rhel", "Red Hat Enterprise Linux", "9.4", "rhel", "9"},
		{"rocky", "Rocky Linux", "9.4", "rocky-linux", "9"},
		{"almalinux", "AlmaLinux", "8.10", "almalinux", "8"},
		{"ol", "Oracle Linux Server", "9.4", "oracle-linux", "9"},
		{"alpine", "Alpine Linux", "3.20.3", "alpine-linux", "3.20"},
		{"fedora", "Fedora Linux", "40", "fedora", "40"},
		{"sles", "SLES", "15.6", "sles", "15.6"},
		{"sles", "SLES", "15", "sles", "15.0"},
		{"sles", "SLES", "12.5", "sles", "12.5"},
		{"opensuse-leap", "openSUSE Leap", "15.6", "opensuse", "15.6"},
		{"opensuse", "openSUSE Leap", "42.3", "opensuse", "42.3"},
		{"opensuse-tumbleweed", "openSUSE Tumbleweed", "20240101", "", ""},
		{"amzn", "Amazon Linux", "2023", "amazon-linux", "2023"},
		{"amzn", "Amazon Linux", "2", "amazon-linux", "2"},
		{"amzn", "Amazon Linux AMI", "2018.03", "amazon-linux", "2018.03"},
		{"centos", "CentOS Linux", "7", "centos", "7"},
		{"centos", "CentOS Stream", "9", "centos-stream", "9"},
		{"centos", "CentOS Stream", "7", "", ""},
		{"centos", "CentOS Linux", "9", "", ""},
		{"centos", "Rebuilt OS", "7", "", ""},
		{"macos", "macOS", "14.5", "macos", "14"},
		{"macos", "macOS", "10.15.7", "macos", "10.15"},
		{"windows", "Windows", "10.0.19045", "", ""},
		{"debian", "Debian GNU/Linux", "99", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.versionID, func(t *testing.T) {
			product, cycle, ok := doc.Lookup(tt.id, tt.name, tt.versionID)
			if ok != (tt.product != "") || product != tt.product || cycle != tt.cycle {
				t.Errorf("Lookup(%q, %q, %q) = %q, %q, %v, want %q, %q", tt.id, tt.name, tt.versionID, product, cycle, ok, tt.product, tt.cycle)
			}
		})
	}
}
