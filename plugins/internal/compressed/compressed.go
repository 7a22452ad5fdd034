package compressed

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"

	"github.com/auditfleet/auditfleet/hostroot"
)

// Extensions are the compressions read, as file name extensions, in the
// order apt's Acquire::CompressionTypes lists them by default.
var Extensions = []string{".xz", ".bz2", ".lzma", ".gz", ".lz4", ".zst"}

// ErrUnsupported is returned for an extension not in Extensions.
var ErrUnsupported = errors.New("compression not supported")

// ErrDamaged means a compressed file is not a valid stream of its format.
var ErrDamaged = errors.New("damaged compressed file")

// maxWindow bounds the memory a zstd or lzma stream may ask for (its
// window or dictionary); apt's and dnf's indexes use far less (xz -9
// and zstd -19 use 64 MiB and 8 MiB).
const maxWindow = 256 << 20

// NewReader returns a reader of r decompressed as ext says: one of
// Extensions, or "" for a file stored plain. Closing it releases the
// decompressor, not r.
func NewReader(r io.Reader, ext string) (io.ReadCloser, error) {
	if ext != "" {
		// Every compressed stream, even of nothing, has a header: an
		// empty file is damaged, not a file of no content (some decoders,
		// zstd's and lz4's, would read it as one).
		br := bufio.NewReader(r)
		if _, err := br.Peek(1); err == io.EOF {
			return nil, fmt.Errorf("%s: %w: empty file", strings.TrimPrefix(ext, "."), ErrDamaged)
		}
		r = br
	}
	switch ext {
	case "":
		return io.NopCloser(r), nil
	case ".gz":
		return gzip.NewReader(r)
	case ".bz2":
		return io.NopCloser(bzip2.NewReader(r)), nil
	case ".xz":
		zr, err := xz.NewReader(&xzEnd{r: r})
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		return io.NopCloser(zr), nil
	case ".lzma":
		zr, err := lzma.ReaderConfig{DictCap: maxWindow}.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("lzma: %w", err)
		}
		return io.NopCloser(zr), nil
	case ".lz4":
		return io.NopCloser(lz4.NewReader(r)), nil
	case ".zst":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxWindow))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return zr.IOReadCloser(), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupported, ext)
}

// Open opens the host file name for reading, decompressed as ext says
// (see NewReader). Reading more than limit bytes once decompressed is an
// error wrapping hostroot.ErrTooLarge, and so is a stream that is
// corrupt, truncated or fails its checksum; the error comes when the
// reader reaches it, so a caller acts on what it read only once it has
// read to io.EOF.
func Open(root *hostroot.Root, name, ext string, limit int64) (io.ReadCloser, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	// No format has an empty stream, but lz4's reader takes an empty file
	// for one.
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 && ext != "" {
		f.Close()
		return nil, fmt.Errorf("read %s: empty file: %w", name, io.ErrUnexpectedEOF)
	}
	zr, err := NewReader(f, ext)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", name, truncated(err))
	}
	return &limited{name: name, r: zr, f: f, left: limit}, nil
}

// limited reads a decompressed stream up to a limit, naming the file in
// its errors.
type limited struct {
	name string
	r    io.ReadCloser
	f    io.Closer
	left int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, fmt.Errorf("read %s: %w", l.name, hostroot.ErrTooLarge)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, fmt.Errorf("read %s: %w (limit once decompressed)", l.name, hostroot.ErrTooLarge)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read %s: %w", l.name, truncated(err))
	}
	return n, err
}

func (l *limited) Close() error {
	err := l.r.Close()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadFile reads the host file name, decompressed as ext says (see
// NewReader), whole: more than limit bytes once decompressed is an error
// wrapping hostroot.ErrTooLarge, and so is a stream that is corrupt,
// truncated or fails its checksum.
func ReadFile(root *hostroot.Root, name, ext string, limit int64) ([]byte, error) {
	if ext == "" {
		return root.ReadFile(name, limit)
	}
	r, err := Open(root, name, ext, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// truncated turns the io.EOF some decompressors return for an empty or
// cut stream into io.ErrUnexpectedEOF, which says so.
func truncated(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// xzEnd passes the end of an xz file on as io.EOF only when the file
// ends with a stream footer (its CRC32 right, zero padding allowed after
// it), else as io.ErrUnexpectedEOF: the xz reader (ulikunitz/xz v0.5.17)
// takes an end of file where a block header should be for the end of
// the stream, so a file cut after its header or after any block would
// read as a shorter file.
type xzEnd struct {
	r     io.Reader
	tail  []byte // the last bytes read up to the last non-zero one
	zeros int    // zero bytes read since
}

// xzFooterLen is the length of an xz stream footer: CRC32, backward
// size, flags, "YZ".
const xzFooterLen = 12

func (x *xzEnd) Read(p []byte) (int, error) {
	n, err := x.r.Read(p)
	b := p[:n]
	last := len(b) - 1
	for last >= 0 && b[last] == 0 {
		last--
	}
	if last >= 0 {
		x.tail = append(x.tail, make([]byte, min(x.zeros, xzFooterLen))...)
		x.tail = append(x.tail, b[:last+1]...)
		x.tail = x.tail[max(0, len(x.tail)-xzFooterLen):]
		x.zeros = n - last - 1
	} else {
		x.zeros += n
	}
	if err == io.EOF && !xzFooter(x.tail) {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// xzFooter reports whether f is a well-formed xz stream footer.
func xzFooter(f []byte) bool {
	return len(f) == xzFooterLen && string(f[10:]) == "YZ" &&
		binary.LittleEndian.Uint32(f[:4]) == crc32.ChecksumIEEE(f[4:10])
}
