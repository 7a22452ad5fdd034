package accounts

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
)

func TestSQLiteURI(t *testing.T) {
	tests := []struct {
		path, params, want string
	}{
		{"/var/lib/lastlog/lastlog2.db", "mode=ro", "file:///var/lib/lastlog/lastlog2.db?mode=ro&_query_only=1&_busy_timeout=1000"},
		{"/srv/a?b#c%d/x.db", "immutable=1", "file:///srv/a%3fb%23c%25d/x.db?immutable=1&_query_only=1&_busy_timeout=1000"},
	}
	for _, tt := range tests {
		if got := sqliteURI(tt.path, tt.params); got != tt.want {
			t.Errorf("sqliteURI(%q, %q) = %q, want %q", tt.path, tt.params, got, tt.want)
		}
	}
}

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

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestWithSQLiteOddPath(t *testing.T) {
	dir := t.TempDir()
	makeDB(t, filepath.Join(dir, "var/lib/lastlog/lastlog2.db"), lastlog2Schema,
		"INSERT INTO Lastlog2 VALUES('alice', 1700000000, 'pts/0', 'h', 'sshd')")
	// Move the database under a directory whose name needs URI escaping,
	// reached through a symlink, as a host root may hold.
	odd := filepath.Join(dir, "var/lib/a?b#c%d")
	if err := os.Rename(filepath.Join(dir, "var/lib/lastlog"), odd); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/var/lib/a?b#c%d", filepath.Join(dir, "var/lib/lastlog")); err != nil {
		t.Fatal(err)
	}
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var w warnings
	s := readLastlog2(context.Background(), root, &w)
	if s.Source.Records != 1 || s.Source.Error != "" || !s.Complete || len(w) != 0 {
		t.Errorf("readLastlog2 via %q = %+v complete %v warnings %q, want 1 record", odd, s.Source, s.Complete, w)
	}
	if got := listDir(t, odd); !reflect.DeepEqual(got, []string{"lastlog2.db"}) {
		t.Errorf("files after reading = %q, want only lastlog2.db", got)
	}
}

func TestWithSQLiteNotADatabase(t *testing.T) {
	for _, content := range []string{"", "short", strings.Repeat("not sqlite ", 20)} {
		root := writeRoot(t, map[string]string{"/db": content})
		err := withSQLite(context.Background(), root, "/db", func(*sql.DB) error { return nil })
		if !errors.Is(err, errNotSQLite) {
			t.Errorf("withSQLite(%q) = %v, want %v", content, err, errNotSQLite)
		}
	}
}

func TestWithSQLiteIsReadOnly(t *testing.T) {
	dir := t.TempDir()
	makeDB(t, filepath.Join(dir, "db"), lastlog2Schema)
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	err = withSQLite(context.Background(), root, "/db", func(db *sql.DB) error {
		_, err := db.Exec("INSERT INTO Lastlog2 VALUES('x', 1, '', '', '')")
		return err
	})
	if err == nil {
		t.Errorf("withSQLite allowed an INSERT")
	}
	if got := listDir(t, dir); !reflect.DeepEqual(got, []string{"db"}) {
		t.Errorf("files after a refused write = %q, want only db", got)
	}
}

// TestWithSQLiteLiveWAL reads a WAL-mode database while a writer holds it
// open with rows not yet checkpointed: the read must see them.
func TestWithSQLiteLiveWAL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "var/lib/lastlog/lastlog2.db")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	writer, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	writer.SetMaxOpenConns(1)
	for _, s := range []string{"PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0", lastlog2Schema,
		"INSERT INTO Lastlog2 VALUES('alice', 1700000000, 'pts/0', '', 'sshd')"} {
		if _, err := writer.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	before := listDir(t, filepath.Dir(file))
	if !slices.Contains(before, "lastlog2.db-wal") {
		t.Fatalf("writer left %q, want a -wal file", before)
	}
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var w warnings
	s := readLastlog2(context.Background(), root, &w)
	if s.Source.Records != 1 || !s.ByName["alice"].Time.Equal(time.Unix(1700000000, 0)) || len(w) != 0 {
		t.Errorf("readLastlog2 of a live WAL database = %+v %v warnings %q, want alice's row", s.Source, s.ByName, w)
	}
}

// TestWithSQLiteClosedWAL reads a WAL-mode database with no -wal or -shm
// files; opening it with mode=ro would create them.
func TestWithSQLiteClosedWAL(t *testing.T) {
	dir := t.TempDir()
	makeDB(t, filepath.Join(dir, "var/lib/lastlog/lastlog2.db"), "PRAGMA journal_mode=WAL", lastlog2Schema,
		"INSERT INTO Lastlog2 VALUES('alice', 1700000000, 'pts/0', '', 'sshd')")
	if got := listDir(t, filepath.Join(dir, "var/lib/lastlog")); !reflect.DeepEqual(got, []string{"lastlog2.db"}) {
		t.Fatalf("setup left %q, want only lastlog2.db", got)
	}
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var w warnings
	s := readLastlog2(context.Background(), root, &w)
	if s.Source.Records != 1 || len(w) != 0 {
		t.Errorf("readLastlog2 = %+v warnings %q, want 1 record", s.Source, w)
	}
	if got := listDir(t, filepath.Join(dir, "var/lib/lastlog")); !reflect.DeepEqual(got, []string{"lastlog2.db"}) {
		t.Errorf("files after reading = %q, want only lastlog2.db", got)
	}
}

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
			var w warnings
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
	var w warnings
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
