package dirstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/auditfleet/auditfleet/server/store"
)

// headerSize is the fixed size of the header at the start of every object
// file; the object's bytes start right after it.
const headerSize = 1024

// magic starts every object file.
const magic = "AFDS1\n"

// maxContentType bounds the content type so the header always fits.
const maxContentType = 255

// header is the JSON line in an object file's header.
type header struct {
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	WriteOnce   bool      `json:"write_once,omitempty"`
	RetainUntil time.Time `json:"retain_until,omitzero"`
	// Rev is a random revision made at each write: the object's ETag.
	// Objects written before revisions existed have none; their ETag is
	// their SHA-256.
	Rev string `json:"rev,omitempty"`
}

// etag returns the object's ETag.
func (h header) etag() string {
	if h.Rev != "" {
		return h.Rev
	}
	return h.SHA256
}

// encode returns the header's headerSize bytes.
func (h header) encode() ([]byte, error) {
	j, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, headerSize)
	b = append(b, magic...)
	b = append(b, j...)
	b = append(b, '\n')
	if len(b) > headerSize {
		return nil, fmt.Errorf("object header is %d bytes, more than %d", len(b), headerSize)
	}
	return append(b, bytes.Repeat([]byte{' '}, headerSize-len(b))...), nil
}

// readHeader reads and parses the header of an object file; anything
// malformed wraps store.ErrChecksum, since the file is corrupt.
func readHeader(r io.Reader, key string) (header, error) {
	var b [headerSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return header{}, fmt.Errorf("read header of %s: %w: %v", key, store.ErrChecksum, err)
	}
	rest, ok := bytes.CutPrefix(b[:], []byte(magic))
	line, _, ok2 := bytes.Cut(rest, []byte{'\n'})
	var h header
	if !ok || !ok2 || json.Unmarshal(line, &h) != nil || len(h.SHA256) != 64 || h.Size < 0 {
		return header{}, fmt.Errorf("read header of %s: %w: malformed header", key, store.ErrChecksum)
	}
	return h, nil
}

// equal reports whether two headers say the same.
func (h header) equal(o header) bool {
	return h.SHA256 == o.SHA256 && h.Size == o.Size && h.ContentType == o.ContentType &&
		h.WriteOnce == o.WriteOnce && h.RetainUntil.Equal(o.RetainUntil) && h.Rev == o.Rev
}
