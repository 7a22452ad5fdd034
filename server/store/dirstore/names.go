package dirstore

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/auditfleet/auditfleet/server/store"
)

// fileSuffix ends every object file name; escape never produces it.
const fileSuffix = "~"

// maxName is the longest file name most file systems accept.
const maxName = 255

// windowsDevices are names Windows reserves in every directory, with or
// without an extension.
var windowsDevices = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true, "conin$": true, "conout$": true,
	"com0": true, "com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt0": true, "lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

func literal(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}

// escape returns the file name of one key segment.
func escape(seg string) string {
	var b strings.Builder
	base, _, _ := strings.Cut(seg, ".")
	device := windowsDevices[base]
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if literal(c) && !(device && i == 0) && !(c == '.' && i == len(seg)-1) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// unescape returns the key segment of a file name, and whether the name is
// exactly what escape makes of it.
func unescape(name string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(name) {
			return "", false
		}
		hi, ok1 := unhex(name[i+1])
		lo, ok2 := unhex(name[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	seg := b.String()
	if seg == "" || escape(seg) != name {
		return "", false
	}
	return seg, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// relPath returns the path of key's file relative to a tree (objects/ or
// holds/), in the OS's syntax. key must have passed store.ValidKey.
func relPath(key string) (string, error) {
	segs := strings.Split(key, "/")
	names := make([]string, len(segs))
	for i, seg := range segs {
		names[i] = escape(seg)
		if i == len(segs)-1 {
			names[i] += fileSuffix
		}
		if len(names[i]) > maxName {
			return "", fmt.Errorf("%w: segment %d of %q is %d bytes once escaped, longer than the %d a directory store allows", store.ErrInvalidKey, i+1, key, len(names[i]), maxName)
		}
	}
	return filepath.Join(names...), nil
}

// relDir returns the directory, relative to a tree, that holds the keys
// starting with prefix's complete segments, and the partial last segment.
// prefix must have passed store.ValidPrefix.
func relDir(prefix string) (dir, keyDir, partial string, err error) {
	i := strings.LastIndexByte(prefix, '/')
	if i < 0 {
		return "", "", prefix, nil
	}
	keyDir, partial = prefix[:i+1], prefix[i+1:]
	segs := strings.Split(prefix[:i], "/")
	names := make([]string, len(segs))
	for j, seg := range segs {
		names[j] = escape(seg)
		if len(names[j]) > maxName {
			return "", "", "", fmt.Errorf("%w: segment %d of prefix %q is too long for a directory store", store.ErrInvalidKey, j+1, prefix)
		}
	}
	return filepath.Join(names...), keyDir, partial, nil
}
