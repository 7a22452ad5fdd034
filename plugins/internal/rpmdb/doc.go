// Package rpmdb reads the installed packages of an rpm-based host (RHEL,
// Rocky, Alma, CentOS Stream, Fedora) from its rpm database, without rpm,
// and orders rpm versions as rpm does.
//
// Two of rpm's database formats are read; Read picks by the format
// Locate found:
//
//   - the SQLite database of rpm 4.16 and later (/var/lib/rpm/rpmdb.sqlite
//     on RHEL 9 and Fedora 33+, or under /usr/lib/sysimage/rpm), opened
//     read-only by ReadSQLite: its Packages table holds one header blob
//     per installed package;
//   - the Berkeley DB Packages file of rpm 4.11 to 4.15 (RHEL 7 and 8,
//     CentOS 7 and 8, Amazon Linux 2), read by ReadBerkeleyDB with its
//     own parser of Berkeley DB's hash format, without Berkeley DB and
//     without joining its environment (no locks, no __db files).
//
// SUSE's NDB (Packages.db) is recognised by Locate and reported as
// unsupported (ErrUnsupported), never guessed at.
//
// # Berkeley DB
//
// rpm's Packages is a Berkeley DB hash database: the key of each record
// is a header number, 4 bytes in the writing host's byte order, the
// value a header blob; the record of key 0 is rpm's counter of header
// numbers and is skipped. Page 0 is the metadata page: the hash magic
// 0x061561 at byte 12, read in both byte orders to learn the file's,
// the hash version (9, as Berkeley DB 4.6 to 5.3 writes it on RHEL 7 and
// 8, or 8 of the releases before, whose hash pages are unsorted), the
// page size (a power of two from 512 to 65536), the encryption algorithm
// (encrypted databases are refused), the page checksum flag (checksummed
// pages have 6 more header bytes; checksums are not verified) and the
// last page number, which the file's size must cover. Every page has a 26-byte
// header: its own number, the previous and next page numbers, the
// number of items, the high free offset and the page type.
//
// The reader goes through the pages in file order rather than the hash
// buckets: every key/data pair lives on exactly one hash page (type 13,
// or 2 before Berkeley DB 4.6), and every other page (overflow, free,
// never used) is skipped. A hash page's index is its items' offsets,
// pairs of key then data, each item ending where the previous one
// starts (the first at the end of the page); an item's first byte is its
// type. A key or a small value is H_KEYDATA (1), the bytes following the
// type; a value too large for the page is H_OFFPAGE (3), the number of
// its first overflow page and its total length. Overflow pages (type 7)
// hold their share of the value after the page header, its length in
// the high free offset field, and link to the next by next page number,
// the last to page 0. Duplicates (H_DUPLICATE, H_OFFDUP), which rpm's
// Packages never has, are reported as damaged records.
//
// Every offset, length and page number is checked against the page and
// the file before use: items must lie between the page's free space and
// the previous item, a page must say it is the page asked for, an
// overflow chain must hold exactly its stated length (at most MaxBlob)
// and each overflow page is read at most once in the whole scan, which
// catches cycles and bounds the bytes read to the file's size (at most
// MaxBDBSize). A damaged record or hash page is returned as a BadHeader,
// the rest still read; a file that is not such a database, truncated,
// or holding more than MaxPackages records is an error.
//
// A header blob, as rpm stores it in the database (rpm's headerExport,
// without the 8-byte magic of a package file's header), is: the number of
// index entries il and the length of the data store dl, both big-endian
// 32-bit; il index entries of 16 bytes (tag, type, offset into the data
// store, count, each big-endian 32-bit); then dl bytes of data. The
// parser reads NAME, VERSION, RELEASE, EPOCH, ARCH and INSTALLTIME,
// checks every offset and length against the blob, and refuses blobs
// beyond rpm's own limits (65,535 entries, 16 MiB of data). When a tag
// appears twice, the later entry wins, as rpm lets entries added after
// the immutable region ("dribble" entries) replace region entries.
//
// Vercmp is rpm's rpmvercmp (alphanumeric segments, numbers compared as
// numbers, "~" sorting before anything and "^" after the end but before
// anything else) and CompareEVR compares epoch, version and release in
// that order, a missing epoch counting as 0.
package rpmdb
