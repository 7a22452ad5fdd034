package accounts

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

const (
	// wtmpPath is the legacy login history file; wtmpPath+".1" is its
	// rotated predecessor.
	wtmpPath = "/var/log/wtmp"
	// utmpRecordSize is sizeof(struct utmp) on x86_64 and arm64 glibc.
	utmpRecordSize = 384
	// utUserProcess is ut_type USER_PROCESS: a login.
	utUserProcess = 7
)

// utmpRecord is one decoded struct utmp.
type utmpRecord struct {
	Type    int16
	PID     int32
	Line    string
	ID      string
	User    string
	Host    string
	Session int32
	Sec     uint32
	Usec    int32
}

// Time returns the record's time in UTC.
func (r utmpRecord) Time() time.Time {
	return time.Unix(int64(r.Sec), int64(r.Usec)*1000).UTC()
}

// decodeUtmp decodes one little-endian struct utmp (glibc x86_64 layout:
// int16 ut_type, 2 bytes padding, int32 ut_pid, ut_line[32], ut_id[4],
// ut_user[32], ut_host[256], 2 x int16 exit status, int32 ut_session,
// int32 tv_sec, int32 tv_usec, int32 ut_addr_v6[4], 20 unused bytes).
func decodeUtmp(b []byte) (utmpRecord, error) {
	if len(b) != utmpRecordSize {
		return utmpRecord{}, fmt.Errorf("utmp record is %d bytes, want %d", len(b), utmpRecordSize)
	}
	le := binary.LittleEndian
	return utmpRecord{
		Type:    int16(le.Uint16(b[0:2])),
		PID:     int32(le.Uint32(b[4:8])),
		Line:    cString(b[8:40]),
		ID:      cString(b[40:44]),
		User:    cString(b[44:76]),
		Host:    cString(b[76:332]),
		Session: int32(le.Uint32(b[336:340])),
		Sec:     le.Uint32(b[340:344]),
		Usec:    int32(le.Uint32(b[344:348])),
	}, nil
}

// scanUtmp streams raw utmp records from r to fn, one record in memory at
// a time; fn must not keep the slice. A partial record at the end (a file
// being written) is ignored and its size returned as trailing.
func scanUtmp(ctx context.Context, r io.Reader, fn func(rec []byte)) (n int, trailing int, err error) {
	br := bufio.NewReaderSize(r, 64*utmpRecordSize)
	buf := make([]byte, utmpRecordSize)
	for {
		if n%1024 == 0 && ctx.Err() != nil {
			return n, 0, ctx.Err()
		}
		k, err := io.ReadFull(br, buf)
		switch {
		case err == io.EOF:
			return n, 0, nil
		case err == io.ErrUnexpectedEOF:
			return n, k, nil
		case err != nil:
			return n, 0, err
		}
		fn(buf)
		n++
	}
}

// readWtmp reads the logins (USER_PROCESS records) of one wtmp file.
// wtmp is never a complete source: it is rotated and may start after a
// user's last login.
func readWtmp(ctx context.Context, root *hostroot.Root, file string, w *sdk.Warnings) loginSet {
	s := loginSet{Source: LoginSource{Name: srcWtmp, Path: file}, ByName: map[string]login{}}
	f, err := root.Open(file)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.Source.Present = true
			s.Source.Error = err.Error()
			w.Add("wtmp: %v", err)
		}
		return s
	}
	defer f.Close()
	s.Source.Present = true
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		s.Source.Error = "not a regular file"
		w.Add("wtmp: %s is not a regular file", file)
		return s
	}
	// A partial last record is normal while a login is being written.
	// Keep the newest raw record per user and decode strings at the end, so
	// a long wtmp costs allocations per user, not per record.
	type rawLogin struct {
		time time.Time
		line [32]byte
		host [256]byte
	}
	raw := map[string]*rawLogin{}
	le := binary.LittleEndian
	_, _, err = scanUtmp(ctx, f, func(b []byte) {
		if int16(le.Uint16(b[0:2])) != utUserProcess || b[44] == 0 {
			return
		}
		t, ok := unixTime(int64(le.Uint32(b[340:344])), int64(int32(le.Uint32(b[344:348]))))
		if !ok {
			return
		}
		s.Source.Records++
		user := b[44:76]
		if i := bytes.IndexByte(user, 0); i >= 0 {
			user = user[:i]
		}
		r, seen := raw[string(user)]
		if !seen {
			r = &rawLogin{}
			raw[string(user)] = r
		} else if !t.After(r.time) {
			return
		}
		r.time = t
		copy(r.line[:], b[8:40])
		copy(r.host[:], b[76:332])
	})
	for user, r := range raw {
		if u := strings.TrimSpace(user); u != "" {
			newer(s.ByName, u, login{Time: r.time, TTY: cString(r.line[:]), Host: cString(r.host[:])})
		}
	}
	if err != nil && ctx.Err() == nil {
		s.Source.Error = err.Error()
		w.Add("wtmp: read %s: %v", file, err)
	}
	return s
}
