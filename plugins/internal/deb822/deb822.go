package deb822

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// EachStanza calls fn for every stanza of deb822 data (dpkg status, apt
// Packages lists), with vals[i] holding the value of fields[i] in that
// stanza ("" when absent). Field names match case-insensitively, as
// deb822 requires; continuation lines and other fields are skipped
// without being copied, so that large lists parse quickly. vals is
// reused between calls. A clear-signed (InRelease) wrapper is skipped.
func EachStanza(data []byte, fields []string, fn func(vals []string)) {
	data = StripClearsign(data)
	st := newStanzas(fields, fn)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		st.line(line)
	}
	st.end()
}

// EachStanzaReader is EachStanza over a stream, read a line at a time
// (so a large list is never held whole), without the clear-signed
// wrapper. A line longer than the reader's buffer is skipped if it is a
// continuation or an unwanted field. It returns the stream's error; fn
// may have been called for stanzas before it.
func EachStanzaReader(r io.Reader, fields []string, fn func(vals []string)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	st := newStanzas(fields, fn)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line: keep its start (the field name) and drop the rest.
			st.line(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err == nil {
				continue
			}
		} else if len(line) > 0 {
			st.line(bytes.TrimSuffix(line, []byte("\n")))
		}
		if errors.Is(err, io.EOF) {
			st.end()
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// stanzas collects the wanted fields of one stanza at a time.
type stanzas struct {
	fields [][]byte
	vals   []string
	have   bool
	fn     func(vals []string)
}

func newStanzas(fields []string, fn func(vals []string)) *stanzas {
	bs := make([][]byte, len(fields))
	for i, f := range fields {
		bs[i] = []byte(f)
	}
	return &stanzas{fields: bs, vals: make([]string, len(fields)), fn: fn}
}

// line takes one line (without its newline).
func (s *stanzas) line(line []byte) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(bytes.TrimSpace(line)) == 0 {
		s.end()
		return
	}
	if line[0] == ' ' || line[0] == '\t' || line[0] == '#' {
		return
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return
	}
	name := line[:colon]
	for k, f := range s.fields {
		if len(f) == len(name) && bytes.EqualFold(f, name) {
			s.vals[k] = string(bytes.TrimSpace(line[colon+1:]))
			s.have = true
			return
		}
	}
}

// end closes the stanza being read, if it has any wanted field.
func (s *stanzas) end() {
	if s.have {
		s.fn(s.vals)
		clear(s.vals)
		s.have = false
	}
}

// StripClearsign returns the signed text of an OpenPGP clear-signed
// message (an InRelease file), or data itself when it is not one.
func StripClearsign(data []byte) []byte {
	const begin = "-----BEGIN PGP SIGNED MESSAGE-----"
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte(begin)) {
		return data
	}
	// The armor headers end at the first empty line.
	i := bytes.Index(data, []byte("\n\n"))
	j := bytes.Index(data, []byte("\n\r\n"))
	switch {
	case i < 0 && j < 0:
		return nil
	case i < 0 || (j >= 0 && j < i):
		data = data[j+3:]
	default:
		data = data[i+2:]
	}
	if k := bytes.Index(data, []byte("\n-----BEGIN PGP SIGNATURE-----")); k >= 0 {
		data = data[:k+1]
	}
	return data
}
