// Package rpmdb reads the installed packages of an rpm-based host (RHEL,
// Rocky, Alma, CentOS Stream, Fedora) from its rpm database, without rpm,
// and orders rpm versions as rpm does.
//
// Only the SQLite database of rpm 4.16 and later is read
// (/var/lib/rpm/rpmdb.sqlite on RHEL 9 and Fedora 33+, or under
// /usr/lib/sysimage/rpm): its Packages table holds one header blob per
// installed package. The Berkeley DB database of RHEL 7 and 8
// (/var/lib/rpm/Packages) and SUSE's NDB (Packages.db) are recognised by
// Locate and reported as unsupported, never guessed at.
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
