package sqlitero

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

	"github.com/auditfleet/auditfleet/hostroot"
)

func TestURI(t *testing.T) {
	tests := []struct {
		path, params, want string
	}{
		{"/var/lib/lastlog/lastlog2.db", "mode=ro", "file:///var/lib/lastlog/lastlog2.db?mode=ro&_query_only=1&_busy_timeout=1000"},
		{"/srv/a?b#c%d/x.db", "immutable=1", "file:///srv/a%3fb%23c%25d/x.db?immutable=1&_query_only=1&_busy_timeout=1000"},
	}
	for _, tt := range tests {
		if got := uri(tt.path, tt.params); got != tt.want {
			t.Errorf("uri(%q, %q) = %q, want %q", tt.path, tt.params, got, tt.want)
		}
	}
}

// makeDB creates an SQLite database at a path on this machine with the
// given statements; it is test setup, not host access.
func makeDB(t *testing.T, file string, stmts ...string) {
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

func writeFile(t *testing.T, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

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

const (
	schema = "CREATE TABLE IF NOT EXISTS Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);"
	insert = "INSERT INTO Lastlog2 VALUES('alice', 1700000000, 'pts/0', 'h', 'sshd')"
	dbPath = "var/lib/lastlog/lastlog2.db"
)

// countRows counts the rows of Lastlog2 into n.
func countRows(n *int) func(*sql.DB) error {
	return func(db *sql.DB) error {
		return db.QueryRow("SELECT count(*) FROM Lastlog2").Scan(n)
	}
}

func TestWith(t *testing.T) {
	tests := []struct {
		name string
		// setup makes the host root dir and returns the directory, under
		// dir, whose files reading must leave as they are ("" for none).
		setup    func(t *testing.T, dir string) string
		write    bool  // try an INSERT instead of counting the rows
		wantRows int   // when the read succeeds
		wantErr  error // nil: success; errAny: some error
	}{
		{name: "rollback journal", setup: func(t *testing.T, dir string) string {
			makeDB(t, filepath.Join(dir, dbPath), schema, insert)
			return filepath.Dir(filepath.Join(dir, dbPath))
		}, wantRows: 1},
		{name: "path that needs escaping, through a symlink", setup: func(t *testing.T, dir string) string {
			// The database under a directory whose name needs URI
			// escaping, reached through a symlink, as a host root may hold.
			makeDB(t, filepath.Join(dir, dbPath), schema, insert)
			odd := filepath.Join(dir, "var/lib/a?b#c%d")
			if err := os.Rename(filepath.Join(dir, "var/lib/lastlog"), odd); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("/var/lib/a?b#c%d", filepath.Join(dir, "var/lib/lastlog")); err != nil {
				t.Fatal(err)
			}
			return odd
		}, wantRows: 1},
		{name: "live WAL", setup: func(t *testing.T, dir string) string {
			// A writer holds the WAL-mode database open with a row not
			// yet checkpointed: the read must see it.
			file := filepath.Join(dir, dbPath)
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			writer, err := sql.Open("sqlite", file)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { writer.Close() })
			writer.SetMaxOpenConns(1)
			for _, s := range []string{"PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0", schema, insert} {
				if _, err := writer.Exec(s); err != nil {
					t.Fatal(err)
				}
			}
			if got := listDir(t, filepath.Dir(file)); !slices.Contains(got, "lastlog2.db-wal") {
				t.Fatalf("writer left %q, want a -wal file", got)
			}
			return ""
		}, wantRows: 1},
		{name: "closed WAL", setup: func(t *testing.T, dir string) string {
			// No -wal or -shm files: opening with mode=ro would create them.
			makeDB(t, filepath.Join(dir, dbPath), "PRAGMA journal_mode=WAL", schema, insert)
			d := filepath.Dir(filepath.Join(dir, dbPath))
			if got := listDir(t, d); !reflect.DeepEqual(got, []string{"lastlog2.db"}) {
				t.Fatalf("setup left %q, want only lastlog2.db", got)
			}
			return d
		}, wantRows: 1},
		{name: "write refused", setup: func(t *testing.T, dir string) string {
			makeDB(t, filepath.Join(dir, dbPath), schema)
			return filepath.Dir(filepath.Join(dir, dbPath))
		}, write: true, wantErr: errAny},
		{name: "empty file", setup: func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, dbPath), "")
			return ""
		}, wantErr: ErrNotSQLite},
		{name: "short file", setup: func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, dbPath), "short")
			return ""
		}, wantErr: ErrNotSQLite},
		{name: "text file", setup: func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, dbPath), strings.Repeat("not sqlite ", 20))
			return ""
		}, wantErr: ErrNotSQLite},
		{name: "missing", setup: func(t *testing.T, dir string) string {
			return ""
		}, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			keep := tt.setup(t, dir)
			var before []string
			if keep != "" {
				before = listDir(t, keep)
			}
			root, err := hostroot.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			n := -1
			fn := countRows(&n)
			if tt.write {
				fn = func(db *sql.DB) error {
					_, err := db.Exec("INSERT INTO Lastlog2 VALUES('x', 1, '', '', '')")
					return err
				}
			}
			err = With(context.Background(), root, "/"+dbPath, fn)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("With = %v, want success", err)
			case tt.wantErr == nil && n != tt.wantRows:
				t.Errorf("With read %d rows, want %d", n, tt.wantRows)
			case tt.wantErr == errAny && err == nil:
				t.Errorf("With succeeded, want an error")
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Errorf("With = %v, want %v", err, tt.wantErr)
			}
			if keep != "" {
				if after := listDir(t, keep); !reflect.DeepEqual(after, before) {
					t.Errorf("files after reading = %q, want %q", after, before)
				}
			}
		})
	}
}

// errAny stands for any error in TestWith.
var errAny = errors.New("any error")

func TestWithCancelled(t *testing.T) {
	dir := t.TempDir()
	makeDB(t, filepath.Join(dir, dbPath), schema, insert)
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err = With(ctx, root, "/"+dbPath, func(*sql.DB) error { called = true; return nil })
	if err == nil || called {
		t.Errorf("With on a cancelled context = %v, called %v; want an error before fn", err, called)
	}
}
