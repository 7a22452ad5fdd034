package restoretest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/backups"
	"github.com/auditfleet/auditfleet/plugins/backups/restic"
)

func TestPick(t *testing.T) {
	var nodes []restic.Node
	for i := range 100 {
		nodes = append(nodes, restic.Node{Type: "file", Path: "/srv/a/" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Size: 10})
	}
	nodes = append(nodes, restic.Node{Type: "dir", Path: "/srv/a"}, restic.Node{Type: "file", Path: "/srv/big", Size: 1 << 30}, restic.Node{Type: "file", Path: "/etc/x", Size: 1})
	tests := []struct {
		name   string
		sample []string
		lim    Limits
		want   int
	}{
		{"spread over the snapshot", nil, Limits{MaxFiles: 20, MaxBytes: 1 << 20}, 20},
		{"bytes bound: /etc/x (1 byte) and five of 10", nil, Limits{MaxFiles: 20, MaxBytes: 55}, 6},
		{"sample paths", []string{"/etc"}, Limits{MaxFiles: 20, MaxBytes: 1 << 20}, 1},
		{"sample is a prefix of a name, not a directory", []string{"/srv/b"}, Limits{MaxFiles: 20, MaxBytes: 1 << 31}, 0},
		{"too big file skipped", []string{"/srv/big"}, Limits{MaxFiles: 20, MaxBytes: 1 << 20}, 0},
	}
	for _, tt := range tests {
		got := pick(nodes, tt.sample, tt.lim)
		if len(got) != tt.want {
			t.Errorf("%s: pick = %d files, want %d", tt.name, len(got), tt.want)
		}
		for _, n := range got {
			if n.Type != "file" {
				t.Errorf("%s: picked %+v", tt.name, n)
			}
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
