package deb822

import (
	"bytes"
	"strings"
)

// EachStanza calls fn for every stanza of deb822 data (dpkg status, apt
// Packages lists), with vals[i] holding the value of fields[i] in that
// stanza ("" when absent). Field names match case-insensitively, as
// deb822 requires; continuation lines and other fields are skipped
// without being copied, so that large lists parse quickly. vals is
// reused between calls. A clear-signed (InRelease) wrapper is skipped.
func EachStanza(data []byte, fields []string, fn func(vals []string)) {
	data = StripClearsign(data)
	vals := make([]string, len(fields))
	have := false
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			if have {
				fn(vals)
				clear(vals)
				have = false
			}
			continue
		}
		if line[0] == ' ' || line[0] == '\t' || line[0] == '#' {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		name := line[:colon]
		for k, f := range fields {
			if len(f) == len(name) && strings.EqualFold(f, string(name)) {
				vals[k] = string(bytes.TrimSpace(line[colon+1:]))
				have = true
				break
			}
		}
	}
	if have {
		fn(vals)
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
