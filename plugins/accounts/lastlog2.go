package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/sqlitero"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// lastlog2Path is util-linux lastlog2's database (LL2_DEFAULT_DATABASE).
const lastlog2Path = "/var/lib/lastlog/lastlog2.db"

// lastlog2Query reads util-linux's table Lastlog2(Name TEXT PRIMARY KEY,
// Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT); Time is in
// seconds and 0 means never.
const lastlog2Query = `SELECT Name, Time, TTY, RemoteHost FROM Lastlog2`

// readLastlog2 reads the lastlog2 database, a complete per-user source.
func readLastlog2(ctx context.Context, root *hostroot.Root, w *sdk.Warnings) loginSet {
	s := loginSet{Source: LoginSource{Name: srcLastlog2, Path: lastlog2Path}, ByName: map[string]login{}}
	if _, err := root.Stat(lastlog2Path); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.Source.Present = true
			s.Source.Error = err.Error()
			w.Add("lastlog2: %v", err)
		}
		return s
	}
	s.Source.Present = true
	byName := map[string]login{}
	records := 0
	err := sqlitero.With(ctx, root, lastlog2Path, func(db *sql.DB) error {
		clear(byName)
		records = 0
		rows, err := db.QueryContext(ctx, lastlog2Query)
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var name, tty, host sql.NullString
			var sec sql.NullInt64
			if err := rows.Scan(&name, &sec, &tty, &host); err != nil {
				return fmt.Errorf("scan: %w", err)
			}
			t, ok := unixTime(sec.Int64, 0)
			if !name.Valid || !ok {
				continue
			}
			records++
			newer(byName, name.String, login{Time: t, TTY: tty.String, Host: host.String})
		}
		return rows.Err()
	})
	if err != nil {
		s.Source.Error = err.Error()
		w.Add("lastlog2: %s: %v", lastlog2Path, err)
		return s
	}
	s.ByName, s.Source.Records, s.Complete = byName, records, true
	return s
}
