package rpmdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/auditfleet/auditfleet/hostroot"
)

// ErrUnsupported is wrapped by Read's error for a database format it
// does not read (NDB).
var ErrUnsupported = errors.New("rpm database format not supported")

// Read reads every installed package from the rpm database db, as found
// by Locate: with ReadSQLite or ReadBerkeleyDB by its format. An NDB
// database gives an error wrapping ErrUnsupported.
func Read(ctx context.Context, root *hostroot.Root, db Database) ([]Package, []BadHeader, error) {
	switch db.Format {
	case SQLite:
		return ReadSQLite(ctx, root, db.Path)
	case BerkeleyDB:
		return ReadBerkeleyDB(ctx, root, db.Path)
	}
	return nil, nil, fmt.Errorf("%s: %s: %w", db.Path, db.Format, ErrUnsupported)
}
