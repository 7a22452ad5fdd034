package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// maxDecoderMemory bounds what the shared zstd decoder may allocate for
// one payload; decompress also checks the caller's smaller limit.
const maxDecoderMemory = 16 << 20

var (
	zstdOnce sync.Once
	zstdDec  *zstd.Decoder
	zstdErr  error
)

func zstdDecoder() (*zstd.Decoder, error) {
	zstdOnce.Do(func() {
		zstdDec, zstdErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxDecoderMemory))
	})
	return zstdDec, zstdErr
}

// errTooLarge is returned for a payload that decompresses past the limit.
var errTooLarge = errors.New("decompressed payload over the limit")

// decompress decompresses a DATA payload compressed as flags says (one of
// flagLZ4, flagZstd), refusing output over limit bytes. The result may
// use dst's storage.
func decompress(flags uint8, src []byte, limit int, dst []byte) ([]byte, error) {
	switch flags {
	case flagZstd:
		var h zstd.Header
		if err := h.Decode(src); err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		if h.HasFCS && h.FrameContentSize > uint64(limit) {
			return nil, errTooLarge
		}
		d, err := zstdDecoder()
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		out, err := d.DecodeAll(src, dst)
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		if len(out) > limit {
			return nil, errTooLarge
		}
		return out, nil
	case flagLZ4:
		// systemd stores the decompressed size as a 64-bit little-endian
		// prefix, then one LZ4 block.
		if len(src) < 8 {
			return nil, errors.New("lz4: short payload")
		}
		n := binary.LittleEndian.Uint64(src)
		if n > uint64(limit) {
			return nil, errTooLarge
		}
		return lz4Block(src[8:], int(n), dst)
	}
	return nil, fmt.Errorf("unsupported compression flags %#x", flags)
}

// errLZ4 is returned for a malformed LZ4 block.
var errLZ4 = errors.New("lz4: malformed block")

// lz4Block decodes one LZ4 block that must decompress to exactly n bytes,
// into dst's storage when it is large enough.
func lz4Block(src []byte, n int, dst []byte) ([]byte, error) {
	if cap(dst) < n {
		dst = make([]byte, 0, n)
	}
	dst = dst[:0]
	i := 0
	for i < len(src) {
		tok := src[i]
		i++
		lit, err := lz4Len(src, &i, int(tok>>4), n)
		if err != nil {
			return nil, err
		}
		if lit > len(src)-i || lit > n-len(dst) {
			return nil, errLZ4
		}
		dst = append(dst, src[i:i+lit]...)
		i += lit
		if i == len(src) {
			break // the last sequence has literals only
		}
		if len(src)-i < 2 {
			return nil, errLZ4
		}
		offset := int(src[i]) | int(src[i+1])<<8
		i += 2
		if offset == 0 || offset > len(dst) {
			return nil, errLZ4
		}
		ml, err := lz4Len(src, &i, int(tok&15), n)
		if err != nil {
			return nil, err
		}
		ml += 4
		if ml > n-len(dst) {
			return nil, errLZ4
		}
		for range ml {
			dst = append(dst, dst[len(dst)-offset])
		}
	}
	if len(dst) != n {
		return nil, errLZ4
	}
	return dst, nil
}

// lz4Len reads the extension bytes of a 4-bit length l (15 means more
// follow), refusing lengths over limit.
func lz4Len(src []byte, i *int, l, limit int) (int, error) {
	if l != 15 {
		return l, nil
	}
	for {
		if *i >= len(src) {
			return 0, errLZ4
		}
		b := src[*i]
		*i++
		l += int(b)
		if l > limit {
			return 0, errLZ4
		}
		if b != 255 {
			return l, nil
		}
	}
}
