package accounts

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

const (
	// lastlogPath is the legacy per-UID last-login file.
	lastlogPath = "/var/log/lastlog"
	// lastlogRecordSize is sizeof(struct lastlog) on x86_64, arm64 and
	// i386 glibc: int32 ll_time, char ll_line[32], char ll_host[256].
	lastlogRecordSize = 292
)

// lastlogRecord is one decoded struct lastlog.
type lastlogRecord struct {
	Time uint32
	Line string
	Host string
}

// decodeLastlog decodes one little-endian struct lastlog. The time is
// read as unsigned, which keeps it valid past 2038.
func decodeLastlog(b []byte) (lastlogRecord, error) {
	if len(b) != lastlogRecordSize {
		return lastlogRecord{}, fmt.Errorf("lastlog record is %d bytes, want %d", len(b), lastlogRecordSize)
	}
	return lastlogRecord{
		Time: binary.LittleEndian.Uint32(b[0:4]),
		Line: cString(b[4:36]),
		Host: cString(b[36:292]),
	}, nil
}

// cString returns the bytes of b up to the first NUL, trimmed.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.TrimSpace(string(b))
}

// readLastlog reads the records of the given UIDs from the sparse lastlog
// file by seeking, never reading the whole file. A lastlog with data is a
// complete source; an empty one (as on Debian 13, where lastlog2
// replaces it) is present but says nothing.
func readLastlog(ctx context.Context, root *hostroot.Root, uids []int, w *sdk.Warnings) loginSet {
	s := loginSet{Source: LoginSource{Name: srcLastlog, Path: lastlogPath}, ByUID: map[int]login{}}
	f, err := root.Open(lastlogPath)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.Source.Error = err.Error()
			w.Add("lastlog: %v", err)
		}
		return s
	}
	defer f.Close()
	s.Source.Present = true
	fi, err := f.Stat()
	if err != nil {
		s.Source.Error = err.Error()
		w.Add("lastlog: stat %s: %v", lastlogPath, err)
		return s
	}
	if !fi.Mode().IsRegular() {
		s.Source.Error = "not a regular file"
		w.Add("lastlog: %s is not a regular file", lastlogPath)
		return s
	}
	size := fi.Size()
	if size == 0 {
		return s
	}
	buf := make([]byte, lastlogRecordSize)
	uids = slices.Compact(slices.Sorted(slices.Values(uids)))
	for _, uid := range uids {
		if ctx.Err() != nil {
			return s
		}
		off := int64(uid) * lastlogRecordSize
		if off+lastlogRecordSize > size {
			continue // beyond the end: never logged in
		}
		if _, err := f.ReadAt(buf, off); err != nil {
			s.Source.Error = fmt.Sprintf("read uid %d: %v", uid, err)
			w.Add("lastlog: read %s uid %d: %v", lastlogPath, uid, err)
			return s
		}
		rec, _ := decodeLastlog(buf)
		t, ok := unixTime(int64(rec.Time), 0)
		if !ok {
			continue
		}
		s.Source.Records++
		s.ByUID[uid] = login{Time: t, TTY: rec.Line, Host: rec.Host}
	}
	s.Complete = true
	return s
}
