package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the cgo-free "sqlite" driver

	"github.com/auditfleet/auditfleet/hostroot"
)

// sqliteHeader starts every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// errNotSQLite is returned for a file that is not an SQLite database.
var errNotSQLite = errors.New("not an SQLite 3 database")

// withSQLite opens the host database hostPath read-only and calls fn.
//
// The database is never written and no file is created next to it: it is
// opened with mode=ro and query_only, and with immutable=1 (no locks, no
// journal or WAL files) when mode=ro fails or would have to create the
// -wal and -shm files of a WAL-mode database.
func withSQLite(ctx context.Context, root *hostroot.Root, hostPath string, fn func(*sql.DB) error) error {
	wal, err := sqliteWALMode(root, hostPath)
	if err != nil {
		return err
	}
	real, err := root.Resolve(hostPath)
	if err != nil {
		return err
	}
	modes := []string{"mode=ro", "immutable=1"}
	if wal && !(exists(root, hostPath+"-wal") && exists(root, hostPath+"-shm")) {
		modes = modes[1:]
	}
	for _, m := range modes {
		if err = trySQLite(ctx, sqliteURI(real, m), fn); err == nil || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// trySQLite opens one DSN on a single connection and runs fn.
func trySQLite(ctx context.Context, dsn string, fn func(*sql.DB) error) error {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	return fn(db)
}

// sqliteURI builds a read-only SQLite URI for a path on this machine.
func sqliteURI(real, params string) string {
	p := filepath.ToSlash(real)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x -> /C:/x
	}
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	return "file://" + p + "?" + params + "&_query_only=1&_busy_timeout=1000"
}

// sqliteWALMode checks the database header and reports whether the
// database is in WAL mode.
func sqliteWALMode(root *hostroot.Root, hostPath string) (bool, error) {
	f, err := root.Open(hostPath)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := make([]byte, 100)
	if _, err := io.ReadFull(f, h); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, errNotSQLite
		}
		return false, fmt.Errorf("read %s: %w", hostPath, err)
	}
	if string(h[:len(sqliteHeader)]) != sqliteHeader {
		return false, errNotSQLite
	}
	// Bytes 18 and 19 are the file format write and read versions: 2 is WAL.
	return h[18] == 2 || h[19] == 2, nil
}

// exists reports whether a host path exists.
func exists(root *hostroot.Root, hostPath string) bool {
	_, err := root.Stat(hostPath)
	return err == nil
}
