package digest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/auditfleet/auditfleet/server/store"
)

// ErrSize means a Put reader was shorter or longer than its declared size.
var ErrSize = errors.New("reader length differs from the declared size")

// Reader hashes and counts the bytes read through it. With a size of zero
// or more it returns exactly that many bytes and fails with ErrSize if the
// source is shorter or longer, checking for an extra byte in the same Read
// that delivers the last one, so an upload that reads no further still
// fails. It stops with the context's error once ctx is done.
type Reader struct {
	ctx  context.Context
	r    io.Reader
	size int64 // -1: until EOF
	n    int64
	h    hash.Hash

	probed bool  // finish has looked for bytes beyond size
	end    error // what finish found: io.EOF or ErrSize
}

// NewReader returns a Reader over r that expects size bytes (-1: any).
func NewReader(ctx context.Context, r io.Reader, size int64) *Reader {
	return &Reader{ctx: ctx, r: r, size: size, h: sha256.New()}
}

// Read implements io.Reader.
func (d *Reader) Read(p []byte) (int, error) {
	if err := d.ctx.Err(); err != nil {
		return 0, err
	}
	if d.size < 0 {
		n, err := d.r.Read(p)
		d.h.Write(p[:n])
		d.n += int64(n)
		return n, err
	}
	if d.n == d.size {
		return 0, d.finish()
	}
	if rem := d.size - d.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	d.n += int64(n)
	switch {
	case d.n == d.size:
		return n, d.finish()
	case errors.Is(err, io.EOF):
		return n, fmt.Errorf("%w: %d bytes, want %d", ErrSize, d.n, d.size)
	}
	return n, err
}

// finish runs once all size bytes are read: it checks that the source has
// no more, and returns io.EOF or ErrSize (the same on every later call).
func (d *Reader) finish() error {
	if !d.probed {
		d.probed = true
		d.end = io.EOF
		var probe [1]byte
		if m, _ := io.ReadFull(d.r, probe[:]); m > 0 {
			d.end = fmt.Errorf("%w: more than %d bytes", ErrSize, d.size)
		}
	}
	return d.end
}

// N returns the number of bytes read so far.
func (d *Reader) N() int64 { return d.n }

// Sum returns the lowercase hex SHA-256 of the bytes read so far.
func (d *Reader) Sum() string { return hex.EncodeToString(d.h.Sum(nil)) }

// HexToBase64 converts a hex SHA-256 to the base64 form S3 uses in
// x-amz-checksum-sha256.
func HexToBase64(s string) (string, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("not a hex SHA-256: %q", s)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Base64ToHex converts S3's base64 x-amz-checksum-sha256 to lowercase hex.
func Base64ToHex(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("not a base64 SHA-256: %q", s)
	}
	return hex.EncodeToString(b), nil
}

// verifier checks the SHA-256 and length of what is read at EOF.
type verifier struct {
	rc   io.ReadCloser
	key  string
	want string
	size int64
	n    int64
	h    hash.Hash
	err  error
}

// Verify returns a reader over rc that, at EOF, checks the bytes read
// against the hex SHA-256 want and the length size, and returns an error
// wrapping store.ErrChecksum instead of io.EOF if either differs.
func Verify(rc io.ReadCloser, key, want string, size int64) io.ReadCloser {
	return &verifier{rc: rc, key: key, want: want, size: size, h: sha256.New()}
}

// Read implements io.Reader.
func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.n > v.size {
		v.err = fmt.Errorf("read %s: %w: more than the stored %d bytes", v.key, store.ErrChecksum, v.size)
		return n, v.err
	}
	if errors.Is(err, io.EOF) {
		if v.n != v.size {
			v.err = fmt.Errorf("read %s: %w: %d bytes, want %d", v.key, store.ErrChecksum, v.n, v.size)
		} else if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			v.err = fmt.Errorf("read %s: %w: sha256 %s, want %s", v.key, store.ErrChecksum, got, v.want)
		} else {
			v.err = io.EOF
		}
		return n, v.err
	}
	return n, err
}

// Close closes the underlying reader.
func (v *verifier) Close() error { return v.rc.Close() }
