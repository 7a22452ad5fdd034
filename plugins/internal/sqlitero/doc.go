// Package sqlitero opens SQLite databases under a host root read-only,
// for collectors that read a host's SQLite files (lastlog2, wtmpdb, the
// rpm database).
//
// A database is never written and no file is created next to it: it is
// opened with mode=ro and query_only, and with immutable=1 (no locks, no
// journal, -wal or -shm files) when mode=ro fails or would have to create
// the -wal and -shm files of a WAL-mode database that has none, as in a
// copied database. The cgo-free modernc.org/sqlite driver is used.
package sqlitero
