package rpmdb

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/auditfleet/auditfleet/hostroot"
)

// Dirs are the host directories rpm keeps its database in, in the order
// Locate looks: the traditional one, then the one Fedora 36+ and
// openSUSE moved it to (/var/lib/rpm is then often a symlink to it).
var Dirs = []string{"/var/lib/rpm", "/usr/lib/sysimage/rpm"}

// Format is the storage format of an rpm database.
type Format int

// Formats of the rpm database.
const (
	// SQLite is rpm 4.16+'s rpmdb.sqlite, the one ReadSQLite reads.
	SQLite Format = iota + 1
	// BerkeleyDB is the Packages file of rpm before 4.16 (RHEL 7, RHEL 8,
	// CentOS 7 and 8, Amazon Linux 2), the one ReadBerkeleyDB reads.
	BerkeleyDB
	// NDB is rpm's own Packages.db format (SUSE), not read.
	NDB
)

// String names the format for messages.
func (f Format) String() string {
	switch f {
	case SQLite:
		return "SQLite"
	case BerkeleyDB:
		return "Berkeley DB"
	case NDB:
		return "NDB"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Database is an rpm database found on a host.
type Database struct {
	// Path is the host path of the database file.
	Path string
	// Format is its storage format.
	Format Format
}

// ErrNoDatabase is returned by Locate on a host without an rpm database.
var ErrNoDatabase = errors.New("no rpm database")

// files are the database file names of each format, the preferred first:
// a host converted to SQLite may keep its old Packages file.
var files = []struct {
	name   string
	format Format
}{
	{"rpmdb.sqlite", SQLite},
	{"Packages.db", NDB},
	{"Packages", BerkeleyDB},
}

// Locate finds the host's rpm database: the first regular file of
// rpmdb.sqlite, Packages.db or Packages in the first of Dirs that has
// one. It returns an error wrapping ErrNoDatabase when there is none, and
// other errors when a candidate cannot be examined.
func Locate(root *hostroot.Root) (Database, error) {
	for _, d := range Dirs {
		for _, f := range files {
			p := d + "/" + f.name
			fi, err := root.Stat(p)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return Database{}, fmt.Errorf("rpm database: %w", err)
			}
			if fi.Mode().IsRegular() {
				return Database{Path: p, Format: f.format}, nil
			}
		}
	}
	return Database{}, fmt.Errorf("%w in %s or %s", ErrNoDatabase, Dirs[0], Dirs[1])
}
