package restoretest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/backups"
)

func TestPick(t *testing.T) {
	var files []file
	for i := range 100 {
		files = append(files, file{path: fmt.Sprintf("/srv/a/%03d", i), size: 10})
	}
	files = append(files, file{path: "/srv/big", size: 1 << 30}, file{path: "/etc/x", size: 1})
	tests := []struct {
		name  string
		lim   Limits
		want  int
		first string
	}{
		{"spread over the backup", Limits{MaxFiles: 20, MaxBytes: 1 << 20}, 20, "/etc/x"},
		{"bytes bound: /etc/x (1 byte) and five of 10", Limits{MaxFiles: 20, MaxBytes: 55}, 6, "/etc/x"},
		{"one file", Limits{MaxFiles: 1, MaxBytes: 1 << 20}, 1, "/etc/x"},
	}
	for _, tt := range tests {
		got := pick(files, tt.lim)
		if len(got) != tt.want || got[0].path != tt.first {
			t.Errorf("%s: pick = %d files from %s, want %d from %s", tt.name, len(got), got[0].path, tt.want, tt.first)
		}
		for _, f := range got {
			if f.size > tt.lim.MaxBytes {
				t.Errorf("%s: picked %+v, over the byte limit", tt.name, f)
			}
		}
		if got[len(got)-1].path == "/srv/a/000" && tt.want > 2 {
			t.Errorf("%s: not spread: %v", tt.name, got)
		}
	}
}

func TestRunRefuses(t *testing.T) {
	root, err := hostroot.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, spec := range []backups.JobSpec{
		{Tool: "declared", Name: "d", Marker: "/x", PasswordFile: "/p"},
		{Tool: "borg", Name: "b", Repository: "/srv/borg"},
		{Tool: "restic", Name: "r", Repository: "/srv/restic"},
	} {
		if _, err := (Test{Root: root, Job: spec}).Run(t.Context()); err == nil {
			t.Errorf("Run(%+v) = nil error, want a refusal", spec)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	o, _ := backups.ParseOptions(nil)
	ok := true
	rec := backups.Record{PerformedAt: time.Date(2026, 9, 1, 2, 3, 4, 0, time.UTC), Job: "restic:../../etc/passwd", Result: "pass", Restored: "1 file", ChecksumMatch: &ok}
	p, err := Write(root, o, rec)
	if err != nil {
		t.Fatal(err)
	}
	if p != backups.DefaultRecordDir+"/20260901T020304Z-restic_.._.._etc_passwd.json" {
		t.Errorf("Write path = %s", p)
	}
	b, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		t.Fatal(err)
	}
	got, err := backups.ParseRecord(b)
	if err != nil || got.Result != "pass" || !got.PerformedAt.Equal(rec.PerformedAt) {
		t.Errorf("record read back = %+v, %v", got, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, backups.DefaultRecordDir, ".record-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := Write(root, o, backups.Record{Result: "maybe"}); err == nil {
		t.Error("Write of an invalid record = nil error")
	}
}
