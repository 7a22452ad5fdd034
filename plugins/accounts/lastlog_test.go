package accounts

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// lastlogAt returns the record of uid in a lastlog file.
func lastlogAt(t *testing.T, file string, uid int) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b[uid*lastlogRecordSize : (uid+1)*lastlogRecordSize]
}

func TestDecodeLastlog(t *testing.T) {
	rec := func(time [4]byte, line, host string) []byte {
		b := make([]byte, lastlogRecordSize)
		copy(b, time[:])
		copy(b[4:36], line)
		copy(b[36:], host)
		return b
	}
	tests := []struct {
		name string
		in   []byte
		want lastlogRecord
	}{
		{
			// Written by make-fixtures.sh with python's struct.pack("<i32s256s").
			name: "fixture record of uid 1000",
			in:   lastlogAt(t, "testdata/roots/debian12/var/log/lastlog", 1000),
			want: lastlogRecord{Time: uint32(time.Date(2025, 1, 9, 9, 15, 0, 0, time.UTC).Unix()), Line: "pts/0", Host: "192.0.2.10"},
		},
		{
			name: "empty record",
			in:   make([]byte, lastlogRecordSize),
			want: lastlogRecord{},
		},
		{
			name: "little endian, past 2038",
			in:   rec([4]byte{0x01, 0x00, 0x00, 0x80}, "tty1", "host"),
			want: lastlogRecord{Time: 0x80000001, Line: "tty1", Host: "host"},
		},
		{
			name: "fields without NUL terminator",
			in:   rec([4]byte{1}, strings.Repeat("l", 32), strings.Repeat("h", 256)),
			want: lastlogRecord{Time: 1, Line: strings.Repeat("l", 32), Host: strings.Repeat("h", 256)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeLastlog(tt.in)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decodeLastlog(%q) = %+v, %v, want %+v", tt.in[:8], got, err, tt.want)
			}
		})
	}
	if _, err := decodeLastlog(make([]byte, 291)); err == nil {
		t.Errorf("decodeLastlog(291 bytes) gave no error")
	}
}

func TestReadLastlog(t *testing.T) {
	root := writeRoot(t, map[string]string{"/etc/hostname": "h\n"})
	if err := os.MkdirAll(filepath.Join(root.Dir(), "var/log"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(root.Dir(), "var/log/lastlog"))
	if err != nil {
		t.Fatal(err)
	}
	put := func(uid int, sec uint32, line string) {
		b := make([]byte, lastlogRecordSize)
		b[0], b[1], b[2], b[3] = byte(sec), byte(sec>>8), byte(sec>>16), byte(sec>>24)
		copy(b[4:], line)
		if _, err := f.WriteAt(b, int64(uid)*lastlogRecordSize); err != nil {
			t.Fatal(err)
		}
	}
	// A sparse file of about 29 GB: reading it whole would not finish.
	const bigUID = 100_000_000
	put(0, 1700000000, "tty1")
	put(1000, 1710000000, "pts/0")
	put(bigUID, 1720000000, "pts/9")
	f.Close()

	var w sdk.Warnings
	s := readLastlog(context.Background(), root, []int{1000, 0, 5, bigUID, bigUID + 1, 1000}, &w)
	want := map[int]login{
		0:      {Time: time.Unix(1700000000, 0).UTC(), TTY: "tty1"},
		1000:   {Time: time.Unix(1710000000, 0).UTC(), TTY: "pts/0"},
		bigUID: {Time: time.Unix(1720000000, 0).UTC(), TTY: "pts/9"},
	}
	if !reflect.DeepEqual(s.ByUID, want) {
		t.Errorf("readLastlog ByUID = %v, want %v", s.ByUID, want)
	}
	if wantSrc := (LoginSource{Name: "lastlog", Path: "/var/log/lastlog", Present: true, Records: 3}); s.Source != wantSrc || !s.Complete || len(w) != 0 {
		t.Errorf("readLastlog = %+v complete %v warnings %q, want %+v complete", s.Source, s.Complete, w, wantSrc)
	}
}

func TestReadLastlogStates(t *testing.T) {
	tests := []struct {
		name         string
		files        map[string]string
		dir          bool
		wantPresent  bool
		wantComplete bool
		wantError    bool
	}{
		{name: "missing", files: map[string]string{}},
		{name: "empty as on debian 13", files: map[string]string{"/var/log/lastlog": ""}, wantPresent: true},
		{name: "short file: no records, complete", files: map[string]string{"/var/log/lastlog": "x"}, wantPresent: true, wantComplete: true},
		{name: "directory", files: map[string]string{"/var/log/lastlog/x": ""}, wantPresent: true, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w sdk.Warnings
			s := readLastlog(context.Background(), writeRoot(t, tt.files), []int{0, 1000}, &w)
			if s.Source.Present != tt.wantPresent || s.Complete != tt.wantComplete || (s.Source.Error != "") != tt.wantError || (len(w) > 0) != tt.wantError {
				t.Errorf("readLastlog = %+v complete %v warnings %q, want present %v complete %v error %v",
					s.Source, s.Complete, w, tt.wantPresent, tt.wantComplete, tt.wantError)
			}
			if s.ByUID == nil || len(s.ByUID) != 0 {
				t.Errorf("readLastlog ByUID = %v, want empty", s.ByUID)
			}
		})
	}
}

func FuzzDecodeLastlog(f *testing.F) {
	f.Add(make([]byte, lastlogRecordSize))
	f.Add([]byte("\xff\xff\xff\xffpts/0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := make([]byte, lastlogRecordSize)
		copy(b, data)
		r, err := decodeLastlog(b)
		if err != nil || len(r.Line) > 32 || len(r.Host) > 256 {
			t.Errorf("decodeLastlog(%q) = %+v, %v", data, r, err)
		}
		unixTime(int64(r.Time), 0)
	})
}
