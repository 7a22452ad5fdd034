package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Signature is the magic at the start of every journal file.
const Signature = "LPKSHHRH"

// Incompatible header flags.
const (
	IncompatCompressedXZ   = 1 << 0
	IncompatCompressedLZ4  = 1 << 1
	IncompatKeyedHash      = 1 << 2
	IncompatCompressedZstd = 1 << 3
	IncompatCompact        = 1 << 4

	incompatKnown = IncompatCompressedXZ | IncompatCompressedLZ4 | IncompatKeyedHash | IncompatCompressedZstd | IncompatCompact
)

// File states.
const (
	StateOffline  = 0
	StateOnline   = 1
	StateArchived = 2
)

// Object types.
const (
	objectData  = 1
	objectEntry = 3
	objectMax   = 7
)

// Object (DATA) compression flags.
const (
	flagXZ   = 1 << 0
	flagLZ4  = 1 << 1
	flagZstd = 1 << 2
)

// Layout constants.
const (
	// minHeaderSize is the header up to and including n_data, the oldest
	// layout readers are expected to handle.
	minHeaderSize = 208
	// maxHeaderSize bounds header_size so that a hostile value cannot
	// place the first object past a sane point.
	maxHeaderSize   = 4096
	objectHeaderLen = 16
	entryFixedLen   = 64 // object header, seqnum, realtime, monotonic, boot_id, xor_hash
	dataFixedLen    = 64 // object header, hash, next_hash, next_field, entry, entry_array, n_entries
	dataCompactLen  = 72 // plus tail_entry_array_offset and tail_entry_array_n_entries
)

// Header is the part of a journal file header the reader uses.
type Header struct {
	// Incompatible are the incompatible flags (Incompat*).
	Incompatible uint32
	// State is StateOffline, StateOnline or StateArchived.
	State uint8
	// HeaderSize is where the objects start.
	HeaderSize uint64
	// ArenaSize is the size of the object area after the header.
	ArenaSize uint64
	// TailObjectOffset is the offset of the last object written.
	TailObjectOffset uint64
	// NObjects and NEntries count the objects and entries in the file.
	NObjects, NEntries uint64
	// HeadRealtime and TailRealtime are the times of the first and last
	// entries (zero when the file has none).
	HeadRealtime, TailRealtime time.Time
}

// Compact reports whether the file uses the compact layout.
func (h Header) Compact() bool { return h.Incompatible&IncompatCompact != 0 }

// ErrNotJournal is returned for data that is not a journal file.
var ErrNotJournal = errors.New("not a journal file")

// ParseHeader decodes and checks the header at the start of b.
func ParseHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < minHeaderSize {
		return h, fmt.Errorf("header: %d bytes, want at least %d: %w", len(b), minHeaderSize, ErrNotJournal)
	}
	if string(b[:8]) != Signature {
		return h, fmt.Errorf("header: bad signature %q: %w", b[:8], ErrNotJournal)
	}
	le := binary.LittleEndian
	h.Incompatible = le.Uint32(b[12:])
	h.State = b[16]
	h.HeaderSize = le.Uint64(b[88:])
	h.ArenaSize = le.Uint64(b[96:])
	h.TailObjectOffset = le.Uint64(b[136:])
	h.NObjects = le.Uint64(b[144:])
	h.NEntries = le.Uint64(b[152:])
	h.HeadRealtime = usecTime(le.Uint64(b[184:]))
	h.TailRealtime = usecTime(le.Uint64(b[192:]))
	if unknown := h.Incompatible &^ incompatKnown; unknown != 0 {
		return h, fmt.Errorf("header: unknown incompatible flags %#x", unknown)
	}
	if h.HeaderSize < minHeaderSize || h.HeaderSize > maxHeaderSize || h.HeaderSize%8 != 0 {
		return h, fmt.Errorf("header: header_size %d out of range", h.HeaderSize)
	}
	if h.State > StateArchived {
		return h, fmt.Errorf("header: unknown state %d", h.State)
	}
	return h, nil
}

// usecTime converts microseconds since the epoch to a UTC time; 0 and
// values past year 9999 give the zero time.
func usecTime(us uint64) time.Time {
	if us == 0 || us > 253402300799999999 {
		return time.Time{}
	}
	return time.UnixMicro(int64(us)).UTC()
}

// objectHeader is the header shared by every object.
type objectHeader struct {
	typ   uint8
	flags uint8
	size  uint64
}

func parseObjectHeader(b []byte) objectHeader {
	return objectHeader{typ: b[0], flags: b[1], size: binary.LittleEndian.Uint64(b[8:])}
}

// align8 rounds n up to a multiple of 8 (n is bounded by the file size).
func align8(n uint64) uint64 { return (n + 7) &^ 7 }
