package dpkg

import (
	"errors"
	"os"
	"path/filepath"
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
