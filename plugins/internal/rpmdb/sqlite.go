package rpmdb

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

// Read limits of ReadSQLite.
const (
	// MaxPackages bounds the rows read from the Packages table.
	MaxPackages = 200_000
	// MaxBlob bounds one header blob: rpm's data limit plus the index.
	MaxBlob = 8 + 16*MaxEntries + MaxDataLength
)

// sqliteMagic starts every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// BadHeader is a record of the rpm database (a row of the SQLite
// Packages table, a key/data pair of the Berkeley DB one) that could not
// be read or whose blob did not parse.
type BadHeader struct {
	// HNum is the record's header number, -1 when the damage hides it (a
	// damaged Berkeley DB page).
	HNum int64
	// Err says why.
	Err error
}

// ReadSQLite reads every installed package from the SQLite rpm database
// at hostPath. Rows whose header does not parse are returned in bad, not
// as an error; the error is for a database that cannot be opened or
// queried, or has more than MaxPackages rows (the rest are not read).
//
// The database is never written and no file is created next to it: it
// is opened with mode=ro and query_only, and with immutable=1 (no locks,
// no -wal or -shm files) when mode=ro fails or the WAL-mode database
// (rpm's default) has no -wal and -shm files, as in a copied database.
func ReadSQLite(ctx context.Context, root *hostroot.Root, hostPath string) (pkgs []Package, bad []BadHeader, err error) {
	err = withSQLite(ctx, root, hostPath, func(db *sql.DB) error {
		pkgs, bad = nil, nil
		rows, err := db.QueryContext(ctx,
			"SELECT hnum, length(blob), CASE WHEN length(blob) <= ? THEN blob END FROM Packages ORDER BY hnum LIMIT ?",
			MaxBlob, MaxPackages+1)
		if err != nil {
			return fmt.Errorf("query %s: %w", hostPath, err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			if n++; n > MaxPackages {
				return fmt.Errorf("read %s: more than %d packages", hostPath, MaxPackages)
			}
			var hnum, size int64
			var blob []byte
			if err := rows.Scan(&hnum, &size, &blob); err != nil {
				return fmt.Errorf("read %s: %w", hostPath, err)
			}
			if blob == nil {
				bad = append(bad, BadHeader{hnum, fmt.Errorf("%w: %d bytes, over %d", ErrBadHeader, size, MaxBlob)})
				continue
			}
			p, err := ParseHeader(blob)
			if err != nil {
				bad = append(bad, BadHeader{hnum, err})
				continue
			}
			pkgs = append(pkgs, p)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read %s: %w", hostPath, err)
		}
		return nil
	})
	return pkgs, bad, err
}

// withSQLite opens the host database hostPath read-only and calls fn
// (the same approach as the accounts collector's lastlog2 and wtmpdb
// reader).
func withSQLite(ctx context.Context, root *hostroot.Root, hostPath string, fn func(*sql.DB) error) error {
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
		if err = trySQLite(ctx, uri(real, m), fn); err == nil || ctx.Err() != nil {
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
			return false, fmt.Errorf("%s: not an SQLite 3 database", hostPath)
		}
		return false, fmt.Errorf("read %s: %w", hostPath, err)
	}
	if string(h[:len(sqliteMagic)]) != sqliteMagic {
		return false, fmt.Errorf("%s: not an SQLite 3 database", hostPath)
	}
	// Bytes 18 and 19 are the file format write and read versions: 2 is WAL.
	return h[18] == 2 || h[19] == 2, nil
}

// exists reports whether a host path exists.
func exists(root *hostroot.Root, hostPath string) bool {
	_, err := root.Stat(hostPath)
	return err == nil
}
