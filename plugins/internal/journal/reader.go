package journal

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"time"
)

// Defaults for the zero Limits.
const (
	DefaultMaxBytes    = 1 << 30
	DefaultMaxEntries  = 2_000_000
	DefaultMaxDataSize = 64 << 10
	// maxEntrySize bounds one ENTRY object (its items).
	maxEntrySize = 1 << 20
	// maxNameLen bounds a field name; journald allows 64 bytes.
	maxNameLen = 64
	// cachePages is how many pages of the file are kept (4 MiB).
	cachePages = 64
	// maxCached bounds the DATA objects remembered by offset.
	maxCached = 1 << 16
	// maxProblems bounds the problems recorded per file.
	maxProblems = 8
)

// Limits bound what one Reader reads.
type Limits struct {
	// MaxBytes bounds the bytes read from the file (0: DefaultMaxBytes).
	MaxBytes int64
	// MaxEntries bounds the entries passed to the callback (0:
	// DefaultMaxEntries).
	MaxEntries int
	// MaxDataSize bounds one field, before and after decompression (0:
	// DefaultMaxDataSize); larger fields are left out and counted.
	MaxDataSize int
	// Since, when set, skips entries older than it without reading their
	// fields.
	Since time.Time
}

// Entry is one journal entry with the fields the caller asked for.
type Entry struct {
	// Seqnum is the entry's sequence number in its file's sequence.
	Seqnum uint64
	// Realtime is the wall-clock time it was logged, UTC.
	Realtime time.Time
	// Monotonic is the monotonic time in microseconds since boot.
	Monotonic uint64
	// BootID is the boot it was logged in, as 32 hexadecimal digits.
	BootID string
	// Fields holds the wanted fields; of a field given more than once,
	// the first.
	Fields map[string]string
}

// Stats says what a walk read and what it could not.
type Stats struct {
	// Entries counts the entries passed to the callback.
	Entries int
	// Old counts the entries skipped as older than Limits.Since.
	Old int
	// Unreadable counts the wanted or unknown fields left out: compressed
	// with XZ, failing to decompress, or over MaxDataSize.
	Unreadable int
	// Problems describe why the walk stopped early or skipped objects
	// (corrupt or truncated objects, limits reached); at most a few.
	Problems []string
	// BytesRead is how many bytes were read from the file.
	BytesRead int64
}

func (s *Stats) problem(format string, args ...any) {
	if len(s.Problems) < maxProblems {
		s.Problems = append(s.Problems, fmt.Sprintf(format, args...))
	}
}

// Reader reads the entries of one journal file.
type Reader struct {
	h    Header
	p    *pager
	size uint64
	lim  Limits
}

// NewReader reads and checks the header of the journal file r of size
// bytes.
func NewReader(r io.ReaderAt, size int64, lim Limits) (*Reader, error) {
	if size < 0 {
		return nil, fmt.Errorf("journal: negative size %d", size)
	}
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	if lim.MaxEntries <= 0 {
		lim.MaxEntries = DefaultMaxEntries
	}
	if lim.MaxDataSize <= 0 {
		lim.MaxDataSize = DefaultMaxDataSize
	}
	p := newPager(r, uint64(size), cachePages, lim.MaxBytes)
	n := uint64(min(size, maxHeaderSize))
	b, err := p.at(0, n)
	if err != nil {
		return nil, fmt.Errorf("journal: header: %w", err)
	}
	h, err := ParseHeader(b)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &Reader{h: h, p: p, size: uint64(size), lim: lim}, nil
}

// Header returns the file's header.
func (r *Reader) Header() Header { return r.h }

// cached is what is remembered of one DATA object.
type cached struct {
	name  string // wanted field name, "" for any other
	value string
}

// Walk calls fn for every entry of the file, in file order, that is not
// older than Limits.Since, with the fields named in want. The Entry and
// its Fields map are reused between calls: fn must copy what it keeps.
// Walk returns fn's error or ctx's; corruption, truncation and limits
// stop the walk early and are recorded in Stats.Problems instead.
func (r *Reader) Walk(ctx context.Context, want []string, fn func(*Entry) error) (Stats, error) {
	var st Stats
	wanted := make(map[string]string, len(want))
	for _, w := range want {
		wanted[w] = w
	}
	w := walker{r: r, st: &st, wanted: wanted, cache: make(map[uint64]cached)}
	err := w.walk(ctx, fn)
	st.BytesRead = r.p.read
	return st, err
}

type walker struct {
	r       *Reader
	st      *Stats
	wanted  map[string]string
	cache   map[uint64]cached
	items   []uint64
	e       Entry
	bootRaw [16]byte
	zbuf    []byte // decompression buffer
}

func (w *walker) walk(ctx context.Context, fn func(*Entry) error) error {
	h := w.r.h
	end := w.r.size
	if a := h.HeaderSize + h.ArenaSize; a >= h.HeaderSize && a < end {
		end = a
	}
	// journald allocates the arena before writing to it, so a file
	// shorter than its header and arena, or than where its last object
	// starts, was cut short: objects at its end were lost.
	if a := h.HeaderSize + h.ArenaSize; a >= h.HeaderSize && a > w.r.size {
		w.st.problem("file is %d bytes, its header says %d: truncated; entries at its end are lost", w.r.size, a)
	} else if h.TailObjectOffset >= w.r.size {
		w.st.problem("last object at offset %d is past the end of the %d-byte file: truncated; entries at its end are lost", h.TailObjectOffset, w.r.size)
	}
	tail := h.TailObjectOffset
	if tail < h.HeaderSize || tail >= end {
		tail = end // unknown: walk to the end
	}
	since := w.r.lim.Since
	w.e.Fields = make(map[string]string, len(w.wanted))
	for off, n := h.HeaderSize, 0; off < end && off <= tail; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, err := w.r.p.at(off, objectHeaderLen)
		if err != nil {
			w.stop(off, err)
			return nil
		}
		oh := parseObjectHeader(b)
		if oh.size < objectHeaderLen || oh.typ == 0 || oh.typ > objectMax {
			if oh.size == 0 && oh.typ == 0 && (h.State == StateOnline || off >= h.TailObjectOffset) {
				return nil // not yet written
			}
			w.st.problem("object at offset %d: type %d, size %d: corrupt; rest of file not read", off, oh.typ, oh.size)
			return nil
		}
		if oh.size > end-off {
			w.stop(off, errTruncated)
			return nil
		}
		if oh.typ == objectEntry {
			ok, err := w.entry(off, oh.size)
			if err != nil {
				w.stop(off, err)
				return nil
			}
			if ok && (since.IsZero() || !w.e.Realtime.Before(since)) {
				if w.st.Entries >= w.r.lim.MaxEntries {
					w.st.problem("entry limit of %d reached at offset %d; rest of file not read", w.r.lim.MaxEntries, off)
					return nil
				}
				w.st.Entries++
				if err := fn(&w.e); err != nil {
					return err
				}
			}
		}
		next := off + align8(oh.size)
		if next <= off {
			return nil
		}
		off = next
	}
	return nil
}

// stop records why the walk ended at off.
func (w *walker) stop(off uint64, err error) {
	w.st.problem("object at offset %d: %v; rest of file not read", off, err)
}

// entry decodes the ENTRY object at off into w.e. ok is false for an
// entry that is skipped (too old, or corrupt but not fatal).
func (w *walker) entry(off, size uint64) (bool, error) {
	if size < entryFixedLen {
		w.st.problem("entry at offset %d: size %d too small; skipped", off, size)
		return false, nil
	}
	b, err := w.r.p.at(off, entryFixedLen)
	if err != nil {
		return false, err
	}
	le := binary.LittleEndian
	w.e.Seqnum = le.Uint64(b[16:])
	w.e.Realtime = usecTime(le.Uint64(b[24:]))
	w.e.Monotonic = le.Uint64(b[32:])
	since := w.r.lim.Since
	if !since.IsZero() && w.e.Realtime.Before(since) {
		w.st.Old++
		return false, nil
	}
	if !bytes.Equal(w.bootRaw[:], b[40:56]) || w.e.BootID == "" {
		copy(w.bootRaw[:], b[40:56])
		w.e.BootID = hex.EncodeToString(b[40:56])
	}
	if size > maxEntrySize {
		w.st.problem("entry at offset %d: size %d over %d; skipped", off, size, maxEntrySize)
		return false, nil
	}
	itemLen := uint64(16)
	if w.r.h.Compact() {
		itemLen = 4
	}
	n := (size - entryFixedLen) / itemLen
	b, err = w.r.p.at(off+entryFixedLen, n*itemLen)
	if err != nil {
		return false, err
	}
	w.items = w.items[:0]
	for i := range n {
		if itemLen == 4 {
			w.items = append(w.items, uint64(le.Uint32(b[i*4:])))
		} else {
			w.items = append(w.items, le.Uint64(b[i*16:]))
		}
	}
	clear(w.e.Fields)
	for _, d := range w.items {
		c, ok := w.data(d)
		if !ok || c.name == "" {
			continue
		}
		if _, dup := w.e.Fields[c.name]; !dup {
			w.e.Fields[c.name] = c.value
		}
	}
	return true, nil
}

// data resolves the DATA object at off. ok is false when it cannot be
// read (counted in Stats).
func (w *walker) data(off uint64) (cached, bool) {
	if c, ok := w.cache[off]; ok {
		return c, true
	}
	c, ok := w.readData(off)
	if ok {
		if len(w.cache) >= maxCached {
			clear(w.cache)
		}
		w.cache[off] = c
	}
	return c, ok
}

func (w *walker) readData(off uint64) (cached, bool) {
	h := w.r.h
	start := uint64(dataFixedLen)
	if h.Compact() {
		start = dataCompactLen
	}
	if off < h.HeaderSize || off%8 != 0 {
		w.bad(off, "offset out of range")
		return cached{}, false
	}
	b, err := w.r.p.at(off, objectHeaderLen)
	if err != nil {
		w.bad(off, err.Error())
		return cached{}, false
	}
	oh := parseObjectHeader(b)
	if oh.typ != objectData || oh.size < start || oh.size > w.r.size-off {
		w.bad(off, fmt.Sprintf("not a DATA object (type %d, size %d)", oh.typ, oh.size))
		return cached{}, false
	}
	plen := oh.size - start
	maxData := uint64(w.r.lim.MaxDataSize)
	if comp := oh.flags & (flagXZ | flagLZ4 | flagZstd); comp != 0 {
		if comp&flagXZ != 0 || plen > maxData {
			w.st.Unreadable++
			return cached{}, false
		}
		src, err := w.r.p.at(off+start, plen)
		if err != nil {
			w.bad(off, err.Error())
			return cached{}, false
		}
		payload, err := decompress(comp, src, int(maxData), w.zbuf[:0])
		if cap(payload) > cap(w.zbuf) && cap(payload) <= maxDecoderMemory {
			w.zbuf = payload[:0]
		}
		if err != nil {
			w.st.Unreadable++
			return cached{}, false
		}
		return w.field(payload), true
	}
	// Uncompressed: read the name first, the value only when wanted.
	pre, err := w.r.p.at(off+start, min(plen, maxNameLen+1))
	if err != nil {
		w.bad(off, err.Error())
		return cached{}, false
	}
	eq := -1
	for i, c := range pre {
		if c == '=' {
			eq = i
			break
		}
	}
	if eq <= 0 {
		return cached{}, true // not FIELD=value: nothing wanted
	}
	name, ok := w.wanted[string(pre[:eq])]
	if !ok {
		return cached{}, true
	}
	if plen > maxData {
		w.st.Unreadable++
		return cached{}, false
	}
	payload, err := w.r.p.at(off+start, plen)
	if err != nil {
		w.bad(off, err.Error())
		return cached{}, false
	}
	return cached{name: name, value: string(payload[eq+1:])}, true
}

// field splits a decompressed payload, keeping it when wanted.
func (w *walker) field(p []byte) cached {
	for i, c := range p {
		if c == '=' {
			if name, ok := w.wanted[string(p[:i])]; ok && i > 0 {
				return cached{name: name, value: string(p[i+1:])}
			}
			break
		}
		if i >= maxNameLen {
			break
		}
	}
	return cached{}
}

// bad records a DATA object that cannot be resolved.
func (w *walker) bad(off uint64, why string) {
	w.st.Unreadable++
	w.st.problem("data object at offset %d: %s; field left out", off, why)
}
