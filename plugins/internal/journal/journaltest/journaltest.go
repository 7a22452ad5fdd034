package journaltest

import (
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Options shape the file Build writes.
type Options struct {
	// Compact writes the compact layout.
	Compact bool
	// Compress is "", "zstd", "lz4" or "xz" (XZ payloads are not real
	// XZ: readers cannot decode them anyway).
	Compress string
	// CompressOver is the payload size over which payloads are
	// compressed (default 512, as journald).
	CompressOver int
	// State is the header state (0 offline, 1 online, 2 archived).
	State uint8
}

// Entry is one entry to write.
type Entry struct {
	// Realtime is when it was logged.
	Realtime time.Time
	// Monotonic is microseconds since boot.
	Monotonic uint64
	// BootID is 32 hexadecimal digits.
	BootID string
	// Fields are "NAME=value" payloads.
	Fields []string
}

const headerSize = 272

// Build returns a journal file holding entries, in order.
func Build(o Options, entries []Entry) []byte {
	if o.CompressOver == 0 {
		o.CompressOver = 512
	}
	le := binary.LittleEndian
	b := make([]byte, headerSize)
	copy(b, "LPKSHHRH")
	var incompat uint32
	if o.Compact {
		incompat |= 16
	}
	switch o.Compress {
	case "zstd":
		incompat |= 8
	case "lz4":
		incompat |= 2
	case "xz":
		incompat |= 1
	}
	le.PutUint32(b[12:], incompat)
	b[16] = o.State
	le.PutUint64(b[88:], headerSize)
	var nObjects, tail uint64
	dataAt := map[string]uint64{}
	obj := func(typ, flags uint8, body []byte) uint64 {
		off := uint64(len(b))
		h := make([]byte, 16)
		h[0], h[1] = typ, flags
		le.PutUint64(h[8:], uint64(16+len(body)))
		b = append(b, h...)
		b = append(b, body...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		nObjects++
		tail = off
		return off
	}
	var enc *zstd.Encoder
	for i, e := range entries {
		offs := make([]uint64, 0, len(e.Fields))
		for _, f := range e.Fields {
			if off, ok := dataAt[f]; ok {
				offs = append(offs, off)
				continue
			}
			payload, flags := []byte(f), uint8(0)
			if o.Compress != "" && len(f) > o.CompressOver {
				switch o.Compress {
				case "zstd":
					if enc == nil {
						enc, _ = zstd.NewWriter(nil)
					}
					payload, flags = enc.EncodeAll([]byte(f), nil), 4
				case "lz4":
					payload, flags = lz4Literals([]byte(f)), 2
				case "xz":
					payload, flags = append([]byte{0xfd, '7', 'z', 'X', 'Z', 0}, f...), 1
				}
			}
			fixed := 48 // hash, next_hash, next_field, entry, entry_array, n_entries
			if o.Compact {
				fixed += 8
			}
			body := make([]byte, fixed, fixed+len(payload))
			off := obj(1, flags, append(body, payload...))
			dataAt[f] = off
			offs = append(offs, off)
		}
		body := make([]byte, 48)
		le.PutUint64(body[0:], uint64(i+1))
		le.PutUint64(body[8:], uint64(e.Realtime.UnixMicro()))
		le.PutUint64(body[16:], e.Monotonic)
		id, _ := hex.DecodeString(e.BootID)
		copy(body[24:40], id)
		for _, off := range offs {
			if o.Compact {
				body = le.AppendUint32(body, uint32(off))
			} else {
				body = le.AppendUint64(body, off)
				body = le.AppendUint64(body, 0)
			}
		}
		obj(3, 0, body)
	}
	le.PutUint64(b[96:], uint64(len(b)-headerSize))
	le.PutUint64(b[136:], tail)
	le.PutUint64(b[144:], nObjects)
	le.PutUint64(b[152:], uint64(len(entries)))
	if len(entries) > 0 {
		le.PutUint64(b[184:], uint64(entries[0].Realtime.UnixMicro()))
		le.PutUint64(b[192:], uint64(entries[len(entries)-1].Realtime.UnixMicro()))
	}
	return b
}

// lz4Literals encodes p as systemd's LZ4 payload: the size as a 64-bit
// little-endian prefix, then one LZ4 block of a single literal run.
func lz4Literals(p []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(p)))
	n := len(p)
	if n < 15 {
		out = append(out, byte(n<<4))
	} else {
		out = append(out, 0xf0)
		for n -= 15; n >= 255; n -= 255 {
			out = append(out, 255)
		}
		out = append(out, byte(n))
	}
	return append(out, p...)
}
