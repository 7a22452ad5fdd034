package sqlitero

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

// header starts every SQLite 3 database file.
const header = "SQLite format 3\x00"

// ErrNotSQLite is returned for a file that is not an SQLite database.
var ErrNotSQLite = errors.New("not an SQLite 3 database")

// With opens the host database hostPath read-only and calls fn with it,
// on a single connection; fn's error is returned as it is.
func With(ctx context.Context, root *hostroot.Root, hostPath string, fn func(*sql.DB) error) error {
	wal, err := walMode(root, hostPath)
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
		if err = try(ctx, uri(real, m), fn); err == nil || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// try opens one DSN on a single connection and runs fn.
func try(ctx context.Context, dsn string, fn func(*sql.DB) error) error {
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

// uri builds a read-only SQLite URI for a path on this machine.
func uri(real, params string) string {
	p := filepath.ToSlash(real)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x -> /C:/x
	}
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	return "file://" + p + "?" + params + "&_query_only=1&_busy_timeout=1000"
}

// walMode checks the database header and reports whether the database
// is in WAL mode.
func walMode(root *hostroot.Root, hostPath string) (bool, error) {
	f, err := root.Open(hostPath)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := make([]byte, 100)
	if _, err := io.ReadFull(f, h); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, ErrNotSQLite
		}
		return false, fmt.Errorf("read %s: %w", hostPath, err)
	}
	if string(h[:len(header)]) != header {
		return false, ErrNotSQLite
	}
	// Bytes 18 and 19 are the file format write and read versions: 2 is WAL.
	return h[18] == 2 || h[19] == 2, nil
}

// exists reports whether a host path exists.
func exists(root *hostroot.Root, hostPath string) bool {
	_, err := root.Stat(hostPath)
	return err == nil
}
