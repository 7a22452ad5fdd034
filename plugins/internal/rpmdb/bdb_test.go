package rpmdb

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A test database is built page by page, as Berkeley DB lays them out
// (see bdb.go); it is test setup, not a writer for real use.

// testDB describes a hash database to build.
type testDB struct {
	order    binary.ByteOrder
	pageSize int
	checksum bool
	pages    [][]byte // pages 1..n; page 0 (metadata) is made by build
	meta     func(m []byte)
}

func (d *testDB) overhead() int {
	if d.checksum {
		return pageHeaderSize + pageChecksumSize
	}
	return pageHeaderSize
}

// header returns a page with its header filled in.
func (d *testDB) header(pgno, next uint32, entries, hoff uint16, typ byte) []byte {
	p := make([]byte, d.pageSize)
	d.order.PutUint32(p[8:], pgno)
	d.order.PutUint32(p[16:], next)
	d.order.PutUint16(p[20:], entries)
	d.order.PutUint16(p[22:], hoff)
	p[25] = typ
	return p
}

// hashPage adds a hash page holding items, laid out from the end of the
// page down in index order, and returns its page number.
func (d *testDB) hashPage(typ byte, items ...[]byte) uint32 {
	pgno := uint32(len(d.pages) + 1)
	p := d.header(pgno, 0, uint16(len(items)), 0, typ)
	end := d.pageSize
	for i, it := range items {
		end -= len(it)
		copy(p[end:], it)
		d.order.PutUint16(p[d.overhead()+2*i:], uint16(end))
	}
	d.order.PutUint16(p[22:], uint16(end))
	d.pages = append(d.pages, p)
	return pgno
}

// overflowChain adds the overflow pages holding data and returns the
// first page number.
func (d *testDB) overflowChain(data []byte) uint32 {
	first := uint32(len(d.pages) + 1)
	room := d.pageSize - d.overhead()
	for len(data) > 0 {
		n := min(room, len(data))
		pgno := uint32(len(d.pages) + 1)
		next := pgno + 1
		if n == len(data) {
			next = 0
		}
		p := d.header(pgno, next, 1, uint16(n), pageOverflow)
		copy(p[d.overhead():], data[:n])
		d.pages = append(d.pages, p)
		data = data[n:]
	}
	return first
}

func keyData(b []byte) []byte { return append([]byte{itemKeyData}, b...) }

// appendU32 appends v in byte order o.
func appendU32(o binary.ByteOrder, b []byte, v uint32) []byte {
	var x [4]byte
	o.PutUint32(x[:], v)
	return append(b, x[:]...)
}

func (d *testDB) key(n uint32) []byte { return keyData(appendU32(d.order, nil, n)) }

func (d *testDB) offPage(pgno, tlen uint32) []byte {
	it := []byte{itemOffPage, 0, 0, 0}
	it = appendU32(d.order, it, pgno)
	return appendU32(d.order, it, tlen)
}

// build returns the file: the metadata page, then the pages.
func (d *testDB) build() []byte {
	m := make([]byte, d.pageSize)
	d.order.PutUint32(m[12:], bdbHashMagic)
	d.order.PutUint32(m[16:], 9)
	d.order.PutUint32(m[20:], uint32(d.pageSize))
	m[25] = pageHashMeta
	if d.checksum {
		m[26] = metaChecksum
	}
	d.order.PutUint32(m[32:], uint32(len(d.pages)))
	if d.meta != nil {
		d.meta(m)
	}
	return bytes.Join(append([][]byte{m}, d.pages...), nil)
}

// bigHeader is a header blob larger than a 512-byte page.
var bigHeader = blob(str(TagName, "glibc"), str(TagVersion, "2.28"), str(TagRelease, "236.el8_9.13"), str(TagArch, "x86_64"),
	entry{tag: 1005, typ: typeString, count: 1, data: append(bytes.Repeat([]byte("description "), 100), 0)})

// smallHeader fits on a hash page.
var smallHeader = blob(str(TagName, "bash"), str(TagVersion, "4.4.20"), str(TagRelease, "5.el8"), str(TagArch, "x86_64"))

// validDB is rpm's layout: record 0 (the counter), header 1 on a chain
// of overflow pages, header 2 on the hash page.
func validDB(order binary.ByteOrder, checksum bool, typ byte) *testDB {
	d := &testDB{order: order, pageSize: 512, checksum: checksum}
	d.pages = append(d.pages, nil) // page 1: the hash page, made last
	first := d.overflowChain(bigHeader)
	hash := d.pages
	d.pages = nil
	d.hashPage(typ, d.key(0), keyData(appendU32(order, nil, 2)),
		d.key(1), d.offPage(first, uint32(len(bigHeader))),
		d.key(2), keyData(smallHeader))
	d.pages = append(d.pages, hash[1:]...)
	return d
}

// summary names the packages and bad headers read, for comparison.
func summary(pkgs []Package, bad []BadHeader) string {
	var s []string
	for _, p := range pkgs {
		s = append(s, p.Name+"-"+p.EVR().String()+"."+p.Arch)
	}
	for _, b := range bad {
		s = append(s, fmt.Sprintf("bad %d", b.HNum))
	}
	return strings.Join(s, " ")
}

func TestReadBerkeleyDBBuilt(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	both := "glibc-2.28-236.el8_9.13.x86_64 bash-4.4.20-5.el8.x86_64"
	// set changes a byte order field of page pgno (0: metadata) at off.
	set32 := func(d *testDB, pgno, off int, v uint32) {
		if pgno == 0 {
			old := d.meta
			d.meta = func(m []byte) {
				if old != nil {
					old(m)
				}
				d.order.PutUint32(m[off:], v)
			}
			return
		}
		d.order.PutUint32(d.pages[pgno-1][off:], v)
	}
	set16 := func(d *testDB, pgno, off int, v uint16) { d.order.PutUint16(d.pages[pgno-1][off:], v) }
	tests := []struct {
		name string
		db   func() *testDB
		edit func(b []byte) []byte
		// want is the packages and bad headers, then ": " and what the
		// first bad header's error says, if given; or "error: " and what
		// the error says.
		want string
	}{
		{"little-endian", func() *testDB { return validDB(le, false, pageHash) }, nil, both},
		{"big-endian", func() *testDB { return validDB(be, false, pageHash) }, nil, both},
		{"page checksums", func() *testDB { return validDB(le, true, pageHash) }, nil, both},
		{"unsorted hash page (Berkeley DB 4.5)", func() *testDB {
			d := validDB(be, false, pageHashUnsorted)
			set32(d, 0, 16, 8)
			return d
		}, nil, both},
		{"overflow chain going on past its length", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, len(d.pages), 16, 2) // the last overflow page links back to the first
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"overflow cycle", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.key(1), d.offPage(2, 5000), d.key(2), keyData(smallHeader))
			d.overflowChain(make([]byte, 2*(512-pageHeaderSize)))
			set32(d, 3, 16, 2)
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1: met twice"},
		{"overflow page in two chains", func() *testDB {
			d := validDB(le, false, pageHash)
			d.hashPage(pageHash, d.key(3), d.offPage(2, uint32(len(bigHeader))))
			return d
		}, nil, "glibc-2.28-236.el8_9.13.x86_64 bash-4.4.20-5.el8.x86_64 bad 3: met twice"},
		{"overflow chain shorter than its length", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, len(d.pages), 16, 0)
			set32(d, len(d.pages)-1, 16, 0)
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"overflow chain longer than its length", func() *testDB {
			d := validDB(le, false, pageHash)
			set16(d, len(d.pages), 22, uint16(d.pageSize-d.overhead()))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"overflow page beyond the file", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 2, 16, 99)
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"overflow chain into the hash page", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 2, 16, 1)
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"overflow page holding more than a page", func() *testDB {
			d := validDB(le, false, pageHash)
			set16(d, 2, 22, 0xffff)
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"overflow page claiming another number", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 3, 8, 7)
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"off-page length over MaxBlob", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.key(1), d.offPage(2, MaxBlob+1), d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"off-page item cut short", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.key(1), d.offPage(2, 100)[:8], d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"duplicates", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.key(1), []byte{itemDuplicate, 1, 0, 'x', 1, 0}, d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"unknown item type", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.key(1), []byte{9, 1, 2, 3}, d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"header number twice", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.key(2), keyData(smallHeader), d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 2"},
		{"key not 4 bytes", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, keyData([]byte("bash")[:3]), keyData(smallHeader), d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad -1"},
		{"off-page key", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.offPage(3, 4), keyData(smallHeader), d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad -1"},
		{"header that does not parse", func() *testDB {
			d := &testDB{order: le, pageSize: 512}
			d.hashPage(pageHash, d.key(1), keyData([]byte("not a header")), d.key(2), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad 1"},
		{"item offset outside the page", func() *testDB {
			d := validDB(le, false, pageHash)
			set16(d, 1, d.overhead()+2, 0xfff0)
			return d
		}, nil, "bad -1"},
		{"items out of order", func() *testDB {
			d := validDB(le, false, pageHash)
			set16(d, 1, d.overhead()+2, uint16(d.pageSize-1))
			return d
		}, nil, "bad -1"},
		{"odd number of items", func() *testDB {
			d := validDB(le, false, pageHash)
			set16(d, 1, 20, 5)
			return d
		}, nil, "bad -1"},
		{"index over the page", func() *testDB {
			d := validDB(le, false, pageHash)
			set16(d, 1, 20, 0xfffe)
			return d
		}, nil, "bad -1"},
		{"hash page claiming another number, another hash page fine", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 1, 8, 9)
			d.hashPage(pageHash, d.key(3), keyData(smallHeader))
			return d
		}, nil, "bash-4.4.20-5.el8.x86_64 bad -1"},
		{"free and unused pages skipped", func() *testDB {
			d := validDB(le, false, pageHash)
			d.pages = append(d.pages, make([]byte, d.pageSize), d.header(uint32(len(d.pages)+2), 0, 0, 0, pageInvalid))
			return d
		}, nil, both},
		{"empty database", func() *testDB { return &testDB{order: le, pageSize: 4096} }, nil, ""},
		{"truncated file", func() *testDB { return validDB(le, false, pageHash) }, func(b []byte) []byte { return b[:len(b)-1] }, "error: truncated"},
		{"shorter than a metadata page", func() *testDB { return validDB(le, false, pageHash) }, func(b []byte) []byte { return b[:100] }, "error: shorter than a metadata page"},
		{"not Berkeley DB", func() *testDB { return validDB(le, false, pageHash) }, func(b []byte) []byte { return bytes.Repeat([]byte("x"), 1024) }, "error: no Berkeley DB hash magic"},
		{"btree", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 0, 12, bdbBtreeMagic)
			return d
		}, nil, "error: btree"},
		{"hash version 10", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 0, 16, 10)
			return d
		}, nil, "error: version 10"},
		{"page size not a power of two", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 0, 20, 1000)
			return d
		}, nil, "error: page size 1000"},
		{"page size over 64 KiB", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 0, 20, 1<<17)
			return d
		}, nil, "error: page size"},
		{"encrypted", func() *testDB {
			d := validDB(le, false, pageHash)
			d.meta = func(m []byte) { m[24] = 1 }
			return d
		}, nil, "error: encrypted"},
		{"metadata page of another type", func() *testDB {
			d := validDB(le, false, pageHash)
			d.meta = func(m []byte) { m[25] = 9 }
			return d
		}, nil, "error: not a hash metadata page"},
		{"subdatabases", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 0, 48, hashSubDB)
			return d
		}, nil, "error: subdatabases"},
		{"last page number huge", func() *testDB {
			d := validDB(le, false, pageHash)
			set32(d, 0, 32, 0xffffffff)
			return d
		}, nil, "error: truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.db().build()
			if tt.edit != nil {
				b = tt.edit(b)
			}
			pkgs, bad, err := readBerkeleyDB(context.Background(), bytes.NewReader(b), int64(len(b)))
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("readBerkeleyDB = %s, %v; want an error saying %q", summary(pkgs, bad), err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("readBerkeleyDB: %v", err)
			}
			want, because, _ := strings.Cut(tt.want, ": ")
			if got := summary(pkgs, bad); got != want {
				t.Errorf("readBerkeleyDB = %q, want %q", got, want)
			}
			if because != "" && (len(bad) == 0 || !strings.Contains(bad[0].Err.Error(), because)) {
				t.Errorf("bad headers %v, want the first saying %q", bad, because)
			}
			for _, h := range bad {
				t.Logf("bad header %d: %v", h.HNum, h.Err)
				if !errors.Is(h.Err, ErrCorruptBDB) && !errors.Is(h.Err, ErrBadHeader) {
					t.Errorf("bad header %d: %v wraps neither ErrCorruptBDB nor ErrBadHeader", h.HNum, h.Err)
				}
			}
		})
	}
}

func TestReadBerkeleyDBLimits(t *testing.T) {
	b := validDB(binary.LittleEndian, false, pageHash).build()
	if _, _, err := readBerkeleyDB(context.Background(), bytes.NewReader(b), MaxBDBSize+1); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("readBerkeleyDB of a file over MaxBDBSize = %v, want an error", err)
	}
	// A cancelled scan stops with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := readBerkeleyDB(ctx, bytes.NewReader(b), int64(len(b))); !errors.Is(err, context.Canceled) {
		t.Errorf("readBerkeleyDB with a cancelled context = %v, want context.Canceled", err)
	}
	// A read error is an error, not a bad record.
	if _, _, err := readBerkeleyDB(context.Background(), failAfter{bytes.NewReader(b), 512}, int64(len(b))); err == nil {
		t.Error("readBerkeleyDB with a failing reader succeeded")
	}
}

// failAfter fails reads past n bytes.
type failAfter struct {
	r io.ReaderAt
	n int64
}

func (f failAfter) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.n {
		return 0, errors.New("read error")
	}
	return f.r.ReadAt(p, off)
}

// gunzip reads a gzipped test file.
func gunzip(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadBerkeleyDBReal reads Packages files written by Berkeley DB 5.3
// itself (plugins/patching/testdata/build-rhel.sh) from headers written
// by rpm: the RHEL 8 fixture's, with 4096-byte little-endian pages, and
// the same headers with 512-byte big-endian pages with checksums.
func TestReadBerkeleyDBReal(t *testing.T) {
	names, err := os.ReadFile("testdata/Packages.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"openssl-libs-1:1.1.1k-12.el8_9.x86_64",
		"glibc-2.28-236.el8_9.13.x86_64",
		"kernel-core-4.18.0-553.16.1.el8_10.x86_64",
		"kernel-core-4.18.0-553.22.1.el8_10.x86_64",
		"bash-4.4.20-5.el8.x86_64",
		"tzdata-2026a-1.el8.noarch",
	}
	if got := strings.Fields(string(names)); len(got) != 2*(len(want)+1) || got[len(got)-1] != "gpg-pubkey" {
		t.Fatalf("testdata/Packages.txt = %q, want %d headers ending with gpg-pubkey", got, len(want)+1)
	}
	for _, tt := range []struct {
		file     string
		pageSize int
		order    binary.ByteOrder
	}{
		{"testdata/Packages.gz", 4096, binary.LittleEndian},
		{"testdata/Packages-be512.gz", 512, binary.BigEndian},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			b := gunzip(t, tt.file)
			db, err := openBDB(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if db.pageSize != tt.pageSize || db.order != tt.order {
				t.Errorf("page size %d, byte order %v; want %d, %v", db.pageSize, db.order, tt.pageSize, tt.order)
			}
			// rpm's headers are larger than a page: overflow chains.
			longest := 0
			if err := db.scan(context.Background(), func(key, value []byte, err error) error {
				longest = max(longest, len(value))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if longest <= tt.pageSize {
				t.Errorf("longest header %d bytes, want one over the %d-byte page", longest, tt.pageSize)
			}
			pkgs, bad, err := readBerkeleyDB(context.Background(), bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 0 {
				t.Errorf("bad headers %+v", bad)
			}
			var got []string
			for _, p := range pkgs {
				got = append(got, p.Name+"-"+p.EVR().String()+"."+p.Arch)
			}
			if len(got) != len(want)+1 || strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") ||
				!strings.HasPrefix(got[len(want)], "gpg-pubkey-") || pkgs[len(want)].Arch != "" {
				t.Errorf("packages =\n%s\nwant\n%s\nand a gpg-pubkey", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, p := range pkgs {
				if p.InstallTime.IsZero() {
					t.Errorf("%s: no install time", p.Name)
				}
			}
		})
	}
}

// TestReadRHEL8 locates and reads the fixture database through a host
// root, as the patching collector does.
func TestReadRHEL8(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "var/lib/rpm/Packages")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, gunzip(t, "testdata/Packages.gz"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := openRoot(t, dir)
	db, err := Locate(root)
	if err != nil || db != (Database{"/var/lib/rpm/Packages", BerkeleyDB}) {
		t.Fatalf("Locate = %+v, %v", db, err)
	}
	pkgs, bad, err := Read(context.Background(), root, db)
	if err != nil || len(pkgs) != 7 || len(bad) != 0 {
		t.Errorf("Read = %d packages, %v, %v; want 7 packages", len(pkgs), bad, err)
	}
	before := listDir(t, filepath.Dir(p))
	if _, _, err := Read(context.Background(), root, Database{"/var/lib/rpm/Packages.db", NDB}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Read of NDB = %v, want ErrUnsupported", err)
	}
	if _, _, err := ReadBerkeleyDB(context.Background(), root, "/var/lib/rpm"); err == nil {
		t.Error("ReadBerkeleyDB of a directory succeeded")
	}
	if _, _, err := ReadBerkeleyDB(context.Background(), root, "/var/lib/rpm/Missing"); err == nil {
		t.Error("ReadBerkeleyDB of a missing file succeeded")
	}
	if after := listDir(t, filepath.Dir(p)); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("reading changed the directory: %v, was %v", after, before)
	}
}

// FuzzReadBerkeleyDB checks that no file makes the reader panic, return
// a package without name and version, or more records than its pages
// can hold.
func FuzzReadBerkeleyDB(f *testing.F) {
	f.Add(validDB(binary.LittleEndian, false, pageHash).build())
	f.Add(validDB(binary.BigEndian, true, pageHashUnsorted).build())
	d := validDB(binary.LittleEndian, false, pageHash)
	d.order.PutUint32(d.pages[len(d.pages)-1][16:], 2)
	f.Add(d.build())
	f.Add(gunzip(f, "testdata/Packages.gz"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, bad, err := readBerkeleyDB(context.Background(), bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" {
				t.Errorf("package %+v with no error", p)
			}
		}
		// A pair takes at least 2 index bytes and 2 item bytes per item.
		if n := len(pkgs) + len(bad); n > len(b)/4 {
			t.Errorf("%d records from %d bytes", n, len(b))
		}
	})
}
