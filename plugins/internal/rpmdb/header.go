package rpmdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Header tags read by ParseHeader.
const (
	TagName        = 1000
	TagVersion     = 1001
	TagRelease     = 1002
	TagEpoch       = 1003
	TagInstallTime = 1008
	TagArch        = 1022
)

// Header data types used by the tags read.
const (
	typeInt32  = 4
	typeString = 6
)

// Limits of a header blob, as rpm checks them (hdrchkTags, hdrchkData).
const (
	MaxEntries    = 0xffff
	MaxDataLength = 16<<20 - 1
)

// ErrBadHeader is wrapped by every header parsing error.
var ErrBadHeader = errors.New("invalid rpm header")

// Package is one installed package, from its header.
type Package struct {
	// Name, Version, Release and Arch are the NAME, VERSION, RELEASE and
	// ARCH tags; Arch is empty for the gpg-pubkey pseudo-packages.
	Name, Version, Release, Arch string
	// Epoch is the EPOCH tag; HasEpoch is false when the header has none.
	Epoch    uint32
	HasEpoch bool
	// InstallTime is the INSTALLTIME tag, zero when absent.
	InstallTime time.Time
}

// EVR returns the package's epoch, version and release.
func (p Package) EVR() EVR {
	return EVR{Epoch: p.Epoch, Version: p.Version, Release: p.Release}
}

// ParseHeader parses a header blob as stored in the rpm database (see the
// package documentation). It fails on a blob that is truncated, too long,
// over rpm's limits, has an out-of-range or mistyped entry for a tag it
// reads, or lacks NAME, VERSION or RELEASE.
func ParseHeader(b []byte) (Package, error) {
	var p Package
	if len(b) < 8 {
		return p, fmt.Errorf("%w: %d bytes, shorter than its intro", ErrBadHeader, len(b))
	}
	il := binary.BigEndian.Uint32(b[0:4])
	dl := binary.BigEndian.Uint32(b[4:8])
	if il == 0 || il > MaxEntries {
		return p, fmt.Errorf("%w: %d index entries", ErrBadHeader, il)
	}
	if dl > MaxDataLength {
		return p, fmt.Errorf("%w: %d bytes of data", ErrBadHeader, dl)
	}
	dataStart := 8 + 16*int(il)
	if want := dataStart + int(dl); len(b) != want {
		return p, fmt.Errorf("%w: %d bytes, want 8 + 16 × %d entries + %d of data = %d", ErrBadHeader, len(b), il, dl, want)
	}
	data := b[dataStart:]
	seen := map[uint32]bool{}
	for i := range int(il) {
		e := b[8+16*i : 8+16*(i+1)]
		tag := binary.BigEndian.Uint32(e[0:4])
		typ := binary.BigEndian.Uint32(e[4:8])
		off := binary.BigEndian.Uint32(e[8:12])
		count := binary.BigEndian.Uint32(e[12:16])
		switch tag {
		case TagName, TagVersion, TagRelease, TagArch:
			s, err := stringAt(data, typ, off, count)
			if err != nil {
				return Package{}, fmt.Errorf("%w: tag %d: %v", ErrBadHeader, tag, err)
			}
			switch tag {
			case TagName:
				p.Name = s
			case TagVersion:
				p.Version = s
			case TagRelease:
				p.Release = s
			case TagArch:
				p.Arch = s
			}
		case TagEpoch, TagInstallTime:
			n, err := int32At(data, typ, off, count)
			if err != nil {
				return Package{}, fmt.Errorf("%w: tag %d: %v", ErrBadHeader, tag, err)
			}
			if tag == TagEpoch {
				p.Epoch, p.HasEpoch = n, true
			} else {
				p.InstallTime = time.Unix(int64(n), 0).UTC()
			}
		default:
			continue
		}
		seen[tag] = true
	}
	for _, t := range []uint32{TagName, TagVersion, TagRelease} {
		if !seen[t] {
			return Package{}, fmt.Errorf("%w: no tag %d", ErrBadHeader, t)
		}
	}
	if p.Name == "" || p.Version == "" {
		return Package{}, fmt.Errorf("%w: empty name or version", ErrBadHeader)
	}
	return p, nil
}

// stringAt reads a STRING entry: one NUL-terminated string at off.
func stringAt(data []byte, typ, off, count uint32) (string, error) {
	if typ != typeString || count != 1 {
		return "", fmt.Errorf("type %d count %d, want a string", typ, count)
	}
	if uint64(off) >= uint64(len(data)) {
		return "", fmt.Errorf("offset %d outside %d bytes of data", off, len(data))
	}
	end := bytes.IndexByte(data[off:], 0)
	if end < 0 {
		return "", fmt.Errorf("string at %d is not terminated", off)
	}
	return string(data[off : int(off)+end]), nil
}

// int32At reads the first value of an INT32 entry at off.
func int32At(data []byte, typ, off, count uint32) (uint32, error) {
	if typ != typeInt32 || count == 0 {
		return 0, fmt.Errorf("type %d count %d, want int32", typ, count)
	}
	if off%4 != 0 {
		return 0, fmt.Errorf("int32 at unaligned offset %d", off)
	}
	if uint64(off)+4*uint64(count) > uint64(len(data)) {
		return 0, fmt.Errorf("%d int32 at offset %d outside %d bytes of data", count, off, len(data))
	}
	return binary.BigEndian.Uint32(data[off:]), nil
}
