package accounts

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// makeDB creates an SQLite database at a path on this machine with the
// given statements; it is test setup, not host access.
func makeDB(t testing.TB, file string, stmts ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

const lastlog2Schema = "CREATE TABLE IF NOT EXISTS Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);"

func TestReadLastlog2(t *testing.T) {
	tests := []struct {
		root         string
		wantPresent  bool
		wantComplete bool
		wantRecords  int
		wantErr      bool
		want         map[string]login
	}{
		{root: "debian13", wantPresent: true, wantComplete: true, wantRecords: 2, want: map[string]login{
			"root":  {Time: time.Date(2025, 4, 1, 6, 0, 0, 0, time.UTC), TTY: "tty1"},
			"alice": {Time: time.Date(2025, 4, 10, 8, 0, 0, 0, time.UTC), TTY: "pts/0", Host: "192.0.2.10"},
		}},
		{root: "debian12", want: map[string]login{}},
		{root: "broken", wantPresent: true, wantErr: true, want: map[string]login{}},
	}
	for _, tt := range tests {
		t.Run(tt.root, func(t *testing.T) {
			var w sdk.Warnings
			s := readLastlog2(context.Background(), openFixture(t, tt.root), &w)
			if s.Source.Present != tt.wantPresent || s.Complete != tt.wantComplete || s.Source.Records != tt.wantRecords ||
				(s.Source.Error != "") != tt.wantErr || (len(w) != 0) != tt.wantErr || !reflect.DeepEqual(s.ByName, tt.want) {
				t.Errorf("readLastlog2(%s) = %+v complete %v %v warnings %q, want present %v complete %v records %d error %v %v",
					tt.root, s.Source, s.Complete, s.ByName, w, tt.wantPresent, tt.wantComplete, tt.wantRecords, tt.wantErr, tt.want)
			}
		})
	}
}

func TestReadWtmpdb(t *testing.T) {
	var w sdk.Warnings
	sets := readWtmpdbAll(context.Background(), openFixture(t, "debian13"), &w)
	if len(sets) != 2 || len(w) != 0 {
		t.Fatalf("readWtmpdbAll(debian13) = %d sets, warnings %q, want 2 and none", len(sets), w)
	}
	// Boot and runlevel records (carol's) are not logins; alice's newest
	// login comes with the TTY and host of that row.
	want := map[string]login{
		"alice": {Time: time.Date(2025, 4, 12, 9, 30, 0, 0, time.UTC), TTY: "pts/0", Host: "192.0.2.10"},
		"bob":   {Time: time.Date(2025, 4, 12, 11, 0, 0, 0, time.UTC), TTY: "pts/1", Host: "198.51.100.7"},
	}
	main := sets[0]
	if main.Source != (LoginSource{Name: "wtmpdb", Path: "/var/lib/wtmpdb/wtmp.db", Present: true, Records: 3}) || main.Complete || !reflect.DeepEqual(main.ByName, want) {
		t.Errorf("wtmp.db = %+v complete %v %v, want 3 records %v", main.Source, main.Complete, main.ByName, want)
	}
	rotated := sets[1]
	if rotated.Source.Path != "/var/lib/wtmpdb/wtmp_20250101.db" || rotated.Source.Records != 1 || rotated.ByName["frank"].TTY != "pts/3" {
		t.Errorf("rotated = %+v %v, want frank's login from wtmp_20250101.db", rotated.Source, rotated.ByName)
	}

	w = nil
	sets = readWtmpdbAll(context.Background(), openFixture(t, "broken"), &w)
	if len(sets) != 1 || sets[0].Source.Error == "" || !sets[0].Source.Present || len(w) != 1 {
		t.Errorf("readWtmpdbAll(broken) = %+v warnings %q, want one source with an error", sets, w)
	}
	w = nil
	sets = readWtmpdbAll(context.Background(), openFixture(t, "minimal"), &w)
	if len(sets) != 1 || sets[0].Source.Present || len(w) != 0 {
		t.Errorf("readWtmpdbAll(minimal) = %+v warnings %q, want one absent source", sets, w)
	}
}
