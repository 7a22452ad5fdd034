package rpmdb

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
)

// TestParseRealHeader parses a header blob written by rpm 4.18 itself
// (testdata/openssl-libs.hdr, from plugins/patching/testdata/build-rhel.sh).
func TestParseRealHeader(t *testing.T) {
	b, err := os.ReadFile("testdata/openssl-libs.hdr")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "openssl-libs" || p.EVR() != (EVR{1, "3.0.7", "24.el9"}) || p.Arch != "x86_64" || !p.HasEpoch || p.InstallTime.IsZero() {
		t.Errorf("ParseHeader(openssl-libs.hdr) = %+v", p)
	}
}

// makeRPMDB creates an SQLite rpm database with rpm's Packages table at
// dir/var/lib/rpm/rpmdb.sqlite holding the blobs; it is test setup, not
// host access.
func makeRPMDB(t *testing.T, dir string, wal bool, blobs ...[]byte) {
	t.Helper()
	p := filepath.Join(dir, "var/lib/rpm/rpmdb.sqlite")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{"CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)"}
	if wal {
		stmts = append(stmts, "PRAGMA journal_mode=WAL")
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range blobs {
		if _, err := db.Exec("INSERT INTO Packages(blob) VALUES (?)", b); err != nil {
			t.Fatal(err)
		}
	}
}

func openRoot(t *testing.T, dir string) *hostroot.Root {
	t.Helper()
	r, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestReadSQLite(t *testing.T) {
	real, err := os.ReadFile("testdata/openssl-libs.hdr")
	if err != nil {
		t.Fatal(err)
	}
	for _, wal := range []bool{false, true} {
		name := "rollback journal"
		if wal {
			name = "WAL"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			makeRPMDB(t, dir, wal, real, []byte("corrupt"), blob(str(TagName, "bash"), str(TagVersion, "5.1.8"), str(TagRelease, "6.el9_1"), str(TagArch, "x86_64")))
			if wal {
				// A copied database: no -wal or -shm files.
				for _, s := range []string{"-wal", "-shm"} {
					os.Remove(filepath.Join(dir, "var/lib/rpm/rpmdb.sqlite"+s))
				}
			}
			before := listDir(t, filepath.Join(dir, "var/lib/rpm"))
			pkgs, bad, err := ReadSQLite(context.Background(), openRoot(t, dir), "/var/lib/rpm/rpmdb.sqlite")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range pkgs {
				names = append(names, p.Name+"-"+p.EVR().String()+"."+p.Arch)
			}
			if got, want := strings.Join(names, " "), "openssl-libs-1:3.0.7-24.el9.x86_64 bash-5.1.8-6.el9_1.x86_64"; got != want {
				t.Errorf("packages %q, want %q", got, want)
			}
			if len(bad) != 1 || bad[0].HNum != 2 || !errors.Is(bad[0].Err, ErrBadHeader) {
				t.Errorf("bad headers %+v, want hnum 2", bad)
			}
			if after := listDir(t, filepath.Join(dir, "var/lib/rpm")); strings.Join(after, " ") != strings.Join(before, " ") {
				t.Errorf("reading changed the directory: %v, was %v", after, before)
			}
		})
	}
}

func TestReadSQLiteErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "var/lib/rpm/rpmdb.sqlite")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := ReadSQLite(context.Background(), openRoot(t, dir), "/var/lib/rpm/rpmdb.sqlite")
	if want := "/var/lib/rpm/rpmdb.sqlite: not an SQLite 3 database"; err == nil || err.Error() != want {
		t.Errorf("ReadSQLite of a text file = %v, want %q", err, want)
	}
	dir = t.TempDir()
	makeRPMDB(t, dir, false)
	db, err := sql.Open("sqlite", filepath.Join(dir, "var/lib/rpm/rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE Packages"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, _, err := ReadSQLite(context.Background(), openRoot(t, dir), "/var/lib/rpm/rpmdb.sqlite"); err == nil {
		t.Error("ReadSQLite of a database without Packages succeeded")
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

func TestLocate(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		link  bool // /var/lib/rpm -> ../../usr/lib/sysimage/rpm
		want  Database
	}{
		{"rhel9", []string{"var/lib/rpm/rpmdb.sqlite"}, false, Database{"/var/lib/rpm/rpmdb.sqlite", SQLite}},
		{"converted, old Packages left", []string{"var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages"}, false, Database{"/var/lib/rpm/rpmdb.sqlite", SQLite}},
		{"rhel8", []string{"var/lib/rpm/Packages", "var/lib/rpm/Name"}, false, Database{"/var/lib/rpm/Packages", BerkeleyDB}},
		{"suse", []string{"usr/lib/sysimage/rpm/Packages.db"}, false, Database{"/usr/lib/sysimage/rpm/Packages.db", NDB}},
		{"fedora sysimage", []string{"usr/lib/sysimage/rpm/rpmdb.sqlite"}, true, Database{"/var/lib/rpm/rpmdb.sqlite", SQLite}},
		{"none", nil, false, Database{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				p := filepath.Join(dir, f)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.link {
				if err := os.MkdirAll(filepath.Join(dir, "var/lib"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink("../../usr/lib/sysimage/rpm", filepath.Join(dir, "var/lib/rpm")); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Locate(openRoot(t, dir))
			if tt.want == (Database{}) {
				if !errors.Is(err, ErrNoDatabase) {
					t.Errorf("Locate = %+v, %v; want ErrNoDatabase", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Locate = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
