package rpmdb

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/auditfleet/auditfleet/hostroot"
)

// Read limits of ReadBerkeleyDB, besides MaxPackages and MaxBlob.
const (
	// MaxBDBSize bounds the size of a Berkeley DB Packages file; a large
	// RHEL 8 host's is a few hundred MiB.
	MaxBDBSize = 2 << 30
)

// ErrCorruptBDB is wrapped by the errors of a Berkeley DB database, or of
// one of its records, whose structure is not what Berkeley DB writes.
var ErrCorruptBDB = errors.New("corrupt Berkeley DB database")

// The Berkeley DB hash access method's on-disk format (db_page.h).
const (
	bdbHashMagic  = 0x061561
	bdbBtreeMagic = 0x053162
	bdbQueueMagic = 0x042253
	bdbHeapMagic  = 0x074582

	// metaSize is the part of the metadata page read (DBMETASIZE); the
	// hash fields used end at byte 52.
	metaSize = 512
	// pageHeaderSize is a page's header (SIZEOF_PAGE); with page
	// checksums 6 more bytes (alignment and the checksum) come before
	// the index of a hash page and the data of an overflow page.
	pageHeaderSize   = 26
	pageChecksumSize = 6

	// Page types.
	pageInvalid      = 0
	pageHashUnsorted = 2 // hash page before Berkeley DB 4.6
	pageOverflow     = 7
	pageHashMeta     = 8
	pageHash         = 13 // sorted hash page, Berkeley DB 4.6+

	// Hash item types, the first byte of each item on a hash page.
	itemKeyData   = 1 // H_KEYDATA: the bytes follow
	itemDuplicate = 2 // H_DUPLICATE: on-page duplicates
	itemOffPage   = 3 // H_OFFPAGE: pgno and total length of an overflow chain
	itemOffDup    = 4 // H_OFFDUP: off-page duplicates

	// offPageSize is the size of an H_OFFPAGE item: type, 3 unused
	// bytes, first overflow page, total length.
	offPageSize = 12

	metaChecksum = 0x01 // DBMETA_CHKSUM, in the metadata page's metaflags
	hashSubDB    = 0x02 // DB_HASH_SUBDB, in the hash metadata's flags
)

// ReadBerkeleyDB reads every installed package from the Berkeley DB rpm
// database at hostPath, rpm's Packages file before rpm 4.16 (RHEL 7 and
// 8): a hash database whose keys are header numbers and whose values are
// header blobs. Records that do not read or parse are returned in bad
// (HNum -1 when the damage hides the header number), not as an error;
// the error is for a file that cannot be read, is not a hash database
// Berkeley DB could have written, or holds more than MaxPackages
// records. Packages and bad headers are in header-number order.
//
// The file is only read, never locked, and nothing is created next to
// it: no Berkeley DB environment is joined, so a database being written
// by rpm may read as damaged records.
func ReadBerkeleyDB(ctx context.Context, root *hostroot.Root, hostPath string) (pkgs []Package, bad []BadHeader, err error) {
	f, err := root.Open(hostPath)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", hostPath, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("read %s: not a regular file", hostPath)
	}
	pkgs, bad, err = readBerkeleyDB(ctx, f, fi.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", hostPath, err)
	}
	return pkgs, bad, nil
}

// readBerkeleyDB reads the packages of a Berkeley DB Packages file of
// size bytes.
func readBerkeleyDB(ctx context.Context, r io.ReaderAt, size int64) ([]Package, []BadHeader, error) {
	db, err := openBDB(r, size)
	if err != nil {
		return nil, nil, err
	}
	type numbered struct {
		hnum int64
		p    Package
	}
	var found []numbered
	var bad []BadHeader
	seen := map[uint32]bool{}
	n := 0
	err = db.scan(ctx, func(key, value []byte, ierr error) error {
		if n++; n > MaxPackages+1 { // +1: rpm's record 0
			return fmt.Errorf("more than %d packages", MaxPackages)
		}
		hnum := int64(-1)
		if len(key) == 4 {
			hnum = int64(db.order.Uint32(key))
		} else if ierr == nil {
			ierr = fmt.Errorf("%w: key of %d bytes, want a 4-byte header number", ErrCorruptBDB, len(key))
		}
		if ierr == nil && hnum >= 0 {
			if seen[uint32(hnum)] {
				ierr = fmt.Errorf("%w: header number %d appears twice", ErrCorruptBDB, hnum)
			}
			seen[uint32(hnum)] = true
		}
		if ierr != nil {
			bad = append(bad, BadHeader{hnum, ierr})
			return nil
		}
		if hnum == 0 {
			return nil // rpm's counter: the last header number given out
		}
		p, err := ParseHeader(value)
		if err != nil {
			bad = append(bad, BadHeader{hnum, err})
			return nil
		}
		found = append(found, numbered{hnum, p})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(found, func(a, b numbered) int { return cmp.Compare(a.hnum, b.hnum) })
	slices.SortStableFunc(bad, func(a, b BadHeader) int { return cmp.Compare(a.HNum, b.HNum) })
	pkgs := make([]Package, len(found))
	for i, f := range found {
		pkgs[i] = f.p
	}
	return pkgs, bad, nil
}

// bdbFile is an open Berkeley DB hash database.
type bdbFile struct {
	r        io.ReaderAt
	order    binary.ByteOrder
	pageSize int
	overhead int    // page header, with the checksum if any
	npages   uint32 // last_pgno + 1
	// used marks the overflow pages read: a page is part of at most one
	// chain, so a page met twice is a cycle or a shared page, and no
	// page is read as overflow more than once.
	used []byte
	// page and ovfl are buffers of one page, for the scanned hash page
	// and for overflow pages.
	page, ovfl []byte
}

// openBDB checks the metadata page of a hash database of size bytes:
// the hash magic in either byte order (which gives the file's), a hash
// version Berkeley DB 4.6 to 5.3 writes (9) or the one before (8), a page
// size of 512 to 65536 bytes, no encryption, no subdatabases, and a last
// page within the file.
func openBDB(r io.ReaderAt, size int64) (*bdbFile, error) {
	if size > MaxBDBSize {
		return nil, fmt.Errorf("%d bytes, over the limit of %d", size, int64(MaxBDBSize))
	}
	if size < metaSize {
		return nil, fmt.Errorf("%w: %d bytes, shorter than a metadata page", ErrCorruptBDB, size)
	}
	m := make([]byte, metaSize)
	if _, err := r.ReadAt(m, 0); err != nil {
		return nil, err
	}
	db := &bdbFile{r: r}
	switch {
	case binary.LittleEndian.Uint32(m[12:]) == bdbHashMagic:
		db.order = binary.LittleEndian
	case binary.BigEndian.Uint32(m[12:]) == bdbHashMagic:
		db.order = binary.BigEndian
	default:
		for _, o := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			switch o.Uint32(m[12:]) {
			case bdbBtreeMagic:
				return nil, errors.New("a Berkeley DB btree database, not the hash database rpm keeps its Packages in")
			case bdbQueueMagic, bdbHeapMagic:
				return nil, errors.New("a Berkeley DB queue or heap database, not the hash database rpm keeps its Packages in")
			}
		}
		return nil, fmt.Errorf("%w: no Berkeley DB hash magic (%#08x)", ErrCorruptBDB, binary.LittleEndian.Uint32(m[12:]))
	}
	o := db.order
	if v := o.Uint32(m[16:]); v != 8 && v != 9 {
		return nil, fmt.Errorf("Berkeley DB hash version %d not supported, only 8 and 9 (9: Berkeley DB 4.6 to 5.3)", v)
	}
	ps := o.Uint32(m[20:])
	if ps < 512 || ps > 65536 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("%w: page size %d", ErrCorruptBDB, ps)
	}
	db.pageSize = int(ps)
	if m[24] != 0 {
		return nil, fmt.Errorf("encrypted Berkeley DB database (algorithm %d) not supported", m[24])
	}
	if m[25] != pageHashMeta || o.Uint32(m[8:]) != 0 {
		return nil, fmt.Errorf("%w: page 0 is not a hash metadata page (type %d)", ErrCorruptBDB, m[25])
	}
	db.overhead = pageHeaderSize
	if m[26]&metaChecksum != 0 {
		db.overhead += pageChecksumSize
	}
	if o.Uint32(m[48:])&hashSubDB != 0 {
		return nil, errors.New("a Berkeley DB database of subdatabases, not rpm's Packages")
	}
	last := o.Uint32(m[32:])
	if need := (int64(last) + 1) * int64(ps); need > size {
		return nil, fmt.Errorf("%w: truncated: last page %d needs %d bytes, the file has %d", ErrCorruptBDB, last, need, size)
	}
	db.npages = last + 1
	db.used = make([]byte, (db.npages+7)/8)
	db.page = make([]byte, ps)
	db.ovfl = make([]byte, ps)
	return db, nil
}

// readPage reads page pgno into buf and checks that it says it is pgno.
func (db *bdbFile) readPage(pgno uint32, buf []byte) error {
	if pgno >= db.npages {
		return fmt.Errorf("%w: page %d beyond the last page %d", ErrCorruptBDB, pgno, db.npages-1)
	}
	if _, err := db.r.ReadAt(buf, int64(pgno)*int64(db.pageSize)); err != nil {
		return fmt.Errorf("page %d: %w", pgno, err)
	}
	if got := db.order.Uint32(buf[8:]); got != pgno && buf[25] != pageInvalid {
		return fmt.Errorf("%w: page %d says it is page %d", ErrCorruptBDB, pgno, got)
	}
	return nil
}

// scan calls fn with each key/data pair of the database's hash pages, in
// file order: every page is read once, hash pages (sorted or not) are
// taken apart, the others skipped. A damaged pair or page is passed to
// fn as an error wrapping ErrCorruptBDB (key nil when unknown) and the
// scan goes on; fn's error, a read error or ctx's end stops it.
func (db *bdbFile) scan(ctx context.Context, fn func(key, value []byte, err error) error) error {
	for pgno := uint32(1); pgno < db.npages; pgno++ {
		if pgno%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		err := db.readPage(pgno, db.page)
		if err != nil && !errors.Is(err, ErrCorruptBDB) {
			return err
		}
		if t := db.page[25]; t != pageHash && t != pageHashUnsorted {
			continue // overflow pages are checked when their chain is read
		}
		if err != nil {
			if err := fn(nil, nil, err); err != nil {
				return err
			}
			continue
		}
		offs, err := db.hashIndex(pgno)
		if err != nil {
			if err := fn(nil, nil, err); err != nil {
				return err
			}
			continue
		}
		for i := 0; i < len(offs); i += 2 {
			key, value, err := db.pair(pgno, offs, i)
			if err != nil && !errors.Is(err, ErrCorruptBDB) {
				return err
			}
			if err := fn(key, value, err); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// hashIndex checks the index of the hash page in db.page and returns
// its item offsets: an even number of them (key, data), each item lying
// between the page's free space and the previous item (Berkeley DB keeps
// the items in index order from the end of the page down, so an item
// ends where the previous one starts).
func (db *bdbFile) hashIndex(pgno uint32) ([]int, error) {
	p, o := db.page, db.order
	entries := int(o.Uint16(p[20:]))
	hoff := int(o.Uint16(p[22:]))
	if entries%2 != 0 {
		return nil, fmt.Errorf("%w: hash page %d has %d items, not key/data pairs", ErrCorruptBDB, pgno, entries)
	}
	indexEnd := db.overhead + 2*entries
	if indexEnd > db.pageSize || hoff < indexEnd || hoff > db.pageSize {
		return nil, fmt.Errorf("%w: hash page %d: %d items and free space from %d do not fit a %d-byte page", ErrCorruptBDB, pgno, entries, hoff, db.pageSize)
	}
	offs := make([]int, entries)
	end := db.pageSize
	for i := range offs {
		off := int(o.Uint16(p[db.overhead+2*i:]))
		if off < hoff || off >= end {
			return nil, fmt.Errorf("%w: hash page %d: item %d at offset %d, outside %d to %d", ErrCorruptBDB, pgno, i, off, hoff, end)
		}
		offs[i] = off
		end = off
	}
	return offs, nil
}

// item returns item i of the checked hash page in db.page.
func (db *bdbFile) item(offs []int, i int) []byte {
	end := db.pageSize
	if i > 0 {
		end = offs[i-1]
	}
	return db.page[offs[i]:end]
}

// pair reads the key/data pair of items i and i+1 of hash page pgno: the
// key must be on the page (rpm's are 4 bytes), the data on the page or
// on a chain of overflow pages. The key is returned with an error about
// the data, so the header number of a damaged record is known.
func (db *bdbFile) pair(pgno uint32, offs []int, i int) (key, value []byte, err error) {
	k := db.item(offs, i)
	if k[0] != itemKeyData {
		return nil, nil, fmt.Errorf("%w: hash page %d: key item %d of type %d, want an on-page key", ErrCorruptBDB, pgno, i, k[0])
	}
	key = k[1:]
	d := db.item(offs, i+1)
	switch d[0] {
	case itemKeyData:
		return key, slices.Clone(d[1:]), nil
	case itemOffPage:
		if len(d) < offPageSize {
			return key, nil, fmt.Errorf("%w: hash page %d: off-page item %d of %d bytes", ErrCorruptBDB, pgno, i+1, len(d))
		}
		value, err = db.overflow(db.order.Uint32(d[4:]), db.order.Uint32(d[8:]))
		if err != nil {
			return key, nil, fmt.Errorf("hash page %d item %d: %w", pgno, i+1, err)
		}
		return key, value, nil
	case itemDuplicate, itemOffDup:
		return key, nil, fmt.Errorf("%w: hash page %d: duplicate data items (type %d), which rpm's Packages never has", ErrCorruptBDB, pgno, d[0])
	}
	return key, nil, fmt.Errorf("%w: hash page %d: data item %d of type %d", ErrCorruptBDB, pgno, i+1, d[0])
}

// overflow reads the tlen bytes of the chain of overflow pages starting
// at page first: each page's next_pgno links to the next, its hf_offset
// is the bytes it holds, the last links to page 0. Every page must be an
// overflow page not met before, and the chain must hold exactly tlen
// bytes, at most MaxBlob.
func (db *bdbFile) overflow(first, tlen uint32) ([]byte, error) {
	if tlen == 0 || tlen > MaxBlob {
		return nil, fmt.Errorf("%w: %d bytes off-page, want 1 to %d", ErrCorruptBDB, tlen, MaxBlob)
	}
	payload := db.pageSize - db.overhead
	// Grown as pages are read, not sized by tlen: memory follows the
	// pages actually in the file.
	out := make([]byte, 0, min(int(tlen), payload))
	for pg := first; ; {
		if pg == 0 || pg >= db.npages {
			return nil, fmt.Errorf("%w: overflow page %d outside pages 1 to %d", ErrCorruptBDB, pg, db.npages-1)
		}
		if db.used[pg/8]&(1<<(pg%8)) != 0 {
			return nil, fmt.Errorf("%w: overflow page %d met twice (a cycle, or a page in two chains)", ErrCorruptBDB, pg)
		}
		db.used[pg/8] |= 1 << (pg % 8)
		if err := db.readPage(pg, db.ovfl); err != nil {
			return nil, err
		}
		if t := db.ovfl[25]; t != pageOverflow {
			return nil, fmt.Errorf("%w: page %d of an overflow chain is of type %d", ErrCorruptBDB, pg, t)
		}
		n := int(db.order.Uint16(db.ovfl[22:]))
		if n == 0 || n > payload {
			return nil, fmt.Errorf("%w: overflow page %d holds %d bytes, want 1 to %d", ErrCorruptBDB, pg, n, payload)
		}
		if len(out)+n > int(tlen) {
			return nil, fmt.Errorf("%w: overflow chain holds more than its %d bytes", ErrCorruptBDB, tlen)
		}
		out = append(out, db.ovfl[db.overhead:db.overhead+n]...)
		next := db.order.Uint32(db.ovfl[16:])
		if len(out) == int(tlen) {
			if next != 0 {
				return nil, fmt.Errorf("%w: overflow chain goes on past its %d bytes (page %d links to %d)", ErrCorruptBDB, tlen, pg, next)
			}
			return out, nil
		}
		if next == 0 {
			return nil, fmt.Errorf("%w: overflow chain ends at page %d after %d of its %d bytes", ErrCorruptBDB, pg, len(out), tlen)
		}
		pg = next
	}
}
