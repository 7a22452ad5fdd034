package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/sqlitero"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// wtmpdbDirs are where wtmpdb keeps its database (_PATH_WTMPDB) and the
// files "wtmpdb rotate" moves old entries to (wtmp_YYYYMMDD.db): newer
// releases (Debian 13 point releases on) use /var/log/wtmp.db and leave
// /var/lib/wtmpdb/wtmp.db as a link to it; older ones use /var/lib/wtmpdb.
var wtmpdbDirs = []string{"/var/log", "/var/lib/wtmpdb"}

// wtmpdbQuery reads the newest login per user from wtmpdb's table
// wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login
// INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT).
// Login is in microseconds; Type 3 is USER_PROCESS (1 BOOT_TIME and 2
// RUNLEVEL are not logins). With MAX, SQLite takes TTY and RemoteHost
// from the row holding the maximum.
const wtmpdbQuery = `SELECT User, MAX(Login), TTY, RemoteHost, COUNT(*) FROM wtmp WHERE Type = 3 AND Login IS NOT NULL GROUP BY User`

// readWtmpdbAll reads every wtmpdb database (wtmp.db and rotated
// wtmp_*.db) in both known locations, once each even when one path is a
// link to the other. wtmpdb is never a complete source: it can be rotated
// away and on upgraded hosts starts after older logins.
func readWtmpdbAll(ctx context.Context, root *hostroot.Root, w *sdk.Warnings) []loginSet {
	var (
		sets []loginSet
		seen = map[string]bool{}
	)
	read := func(file string) {
		if real, err := root.Resolve(file); err == nil {
			if seen[real] {
				return
			}
			seen[real] = true
		}
		sets = append(sets, readWtmpdb(ctx, root, file, w))
	}
	for _, dir := range wtmpdbDirs {
		main := path.Join(dir, "wtmp.db")
		if _, err := root.Lstat(main); err == nil || !errors.Is(err, fs.ErrNotExist) {
			read(main)
		}
		ents, err := root.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				w.Add("wtmpdb: %v", err)
			}
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if strings.HasPrefix(n, "wtmp_") && strings.HasSuffix(n, ".db") && e.Type().IsRegular() {
				read(path.Join(dir, n))
			}
		}
	}
	if len(sets) == 0 {
		// Record the source as absent, at its classic path.
		sets = append(sets, readWtmpdb(ctx, root, "/var/lib/wtmpdb/wtmp.db", w))
	}
	return sets
}

// readWtmpdb reads one wtmpdb database.
func readWtmpdb(ctx context.Context, root *hostroot.Root, file string, w *sdk.Warnings) loginSet {
	s := loginSet{Source: LoginSource{Name: srcWtmpdb, Path: file}, ByName: map[string]login{}}
	if _, err := root.Stat(file); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, lerr := root.Lstat(file); lerr == nil {
				// A link to nothing: the database exists for wtmpdb but
				// cannot be read, which is not the same as no wtmpdb.
				err = fmt.Errorf("%s: dangling symbolic link", file)
			}
		}
		if !errors.Is(err, fs.ErrNotExist) {
			s.Source.Present = true
			s.Source.Error = err.Error()
			w.Add("wtmpdb: %v", err)
		}
		return s
	}
	s.Source.Present = true
	byName := map[string]login{}
	records := 0
	err := sqlitero.With(ctx, root, file, func(db *sql.DB) error {
		clear(byName)
		records = 0
		rows, err := db.QueryContext(ctx, wtmpdbQuery)
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var user, tty, host sql.NullString
			var usec, count sql.NullInt64
			if err := rows.Scan(&user, &usec, &tty, &host, &count); err != nil {
				return fmt.Errorf("scan: %w", err)
			}
			records += int(count.Int64)
			t, ok := unixTime(usec.Int64/1e6, usec.Int64%1e6)
			if !user.Valid || !ok {
				continue
			}
			newer(byName, user.String, login{Time: t, TTY: tty.String, Host: host.String})
		}
		return rows.Err()
	})
	if err != nil {
		s.Source.Error = err.Error()
		w.Add("wtmpdb: %s: %v", file, err)
		return s
	}
	s.ByName, s.Source.Records = byName, records
	return s
}
