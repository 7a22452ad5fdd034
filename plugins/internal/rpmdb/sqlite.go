package rpmdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/sqlitero"
)

// Read limits of ReadSQLite.
const (
	// MaxPackages bounds the rows read from the Packages table.
	MaxPackages = 200_000
	// MaxBlob bounds one header blob: rpm's data limit plus the index.
	MaxBlob = 8 + 16*MaxEntries + MaxDataLength
)

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
// The database is opened read-only by sqlitero.With: it is never written
// and no file is created next to it, also when the WAL-mode database
// (rpm's default) has no -wal and -shm files, as in a copied database.
func ReadSQLite(ctx context.Context, root *hostroot.Root, hostPath string) (pkgs []Package, bad []BadHeader, err error) {
	err = sqlitero.With(ctx, root, hostPath, func(db *sql.DB) error {
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
	if errors.Is(err, sqlitero.ErrNotSQLite) {
		err = fmt.Errorf("%s: %w", hostPath, err)
	}
	return pkgs, bad, err
}
