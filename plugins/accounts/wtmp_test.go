package accounts

import (
	"bytes"
	"context"
	"errors"
	"os"
	"reflect"
	"testing"
	"testing/iotest"
	"time"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// readFixture reads a file of a fixture root.
func readFixture(t testing.TB, root, p string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/roots/" + root + p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeUtmp(t *testing.T) {
	// Records written by utmpdump -r from the text in make-fixtures.sh.
	wtmp := readFixture(t, "debian12", "/var/log/wtmp")
	rec := func(i int) []byte { return wtmp[i*utmpRecordSize : (i+1)*utmpRecordSize] }
	tests := []struct {
		name string
		in   []byte
		want utmpRecord
	}{
		{
			name: "boot",
			in:   rec(0),
			want: utmpRecord{Type: 2, Line: "~", ID: "~~", User: "reboot", Host: "6.1.0-28-amd64", Sec: uint32(time.Date(2025, 1, 8, 7, 59, 0, 0, time.UTC).Unix())},
		},
		{
			name: "login",
			in:   rec(2),
			want: utmpRecord{Type: 7, PID: 1234, Line: "pts/0", ID: "ts/0", User: "alice", Host: "192.0.2.10", Sec: uint32(time.Date(2025, 1, 10, 10, 0, 0, 0, time.UTC).Unix())},
		},
		{
			name: "logout",
			in:   rec(3),
			want: utmpRecord{Type: 8, PID: 1234, Line: "pts/0", ID: "ts/0", Sec: uint32(time.Date(2025, 1, 10, 11, 30, 0, 0, time.UTC).Unix())},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeUtmp(tt.in)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decodeUtmp(record) = %+v, %v, want %+v", got, err, tt.want)
			}
		})
	}
	b := make([]byte, utmpRecordSize)
	copy(b[340:], []byte{0x10, 0, 0, 0x90, 0x40, 0x42, 0x0f, 0}) // tv_sec past 2038, tv_usec 999999+1
	if r, _ := decodeUtmp(b); r.Sec != 0x90000010 || r.Usec != 1000000 || !r.Time().Equal(time.Unix(0x90000010+1, 0)) {
		t.Errorf("decodeUtmp(time bytes) = %d.%d (%v), want %d.%d", r.Sec, r.Usec, r.Time(), 0x90000010, 1000000)
	}
	if _, err := decodeUtmp(b[1:]); err == nil {
		t.Errorf("decodeUtmp(383 bytes) gave no error")
	}
}

func TestScanUtmp(t *testing.T) {
	wtmp := readFixture(t, "debian12", "/var/log/wtmp")
	tests := []struct {
		name         string
		in           []byte
		wantN        int
		wantTrailing int
	}{
		{"whole file", wtmp, 6, 0},
		{"empty", nil, 0, 0},
		{"partial last record", wtmp[:2*utmpRecordSize+100], 2, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var users []string
			n, trailing, err := scanUtmp(context.Background(), iotest.HalfReader(bytes.NewReader(tt.in)), func(b []byte) {
				r, _ := decodeUtmp(b)
				users = append(users, r.User)
			})
			if err != nil || n != tt.wantN || trailing != tt.wantTrailing || len(users) != tt.wantN {
				t.Errorf("scanUtmp(%d bytes) = %d, %d, %v (%d calls), want %d, %d", len(tt.in), n, trailing, err, len(users), tt.wantN, tt.wantTrailing)
			}
		})
	}
	boom := errors.New("boom")
	if _, _, err := scanUtmp(context.Background(), iotest.ErrReader(boom), func([]byte) {}); !errors.Is(err, boom) {
		t.Errorf("scanUtmp(failing reader) error = %v, want %v", err, boom)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := scanUtmp(ctx, bytes.NewReader(wtmp), func([]byte) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("scanUtmp(cancelled) error = %v, want %v", err, context.Canceled)
	}
}

func TestReadWtmp(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		root, file  string
		wantRecords int
		want        map[string]login
	}{
		{"debian12", "/var/log/wtmp", 3, map[string]login{
			"alice": {Time: at("2025-01-10T10:00:00Z"), TTY: "pts/0", Host: "192.0.2.10"},
			"bob":   {Time: at("2025-01-12T14:00:00Z"), TTY: "pts/1", Host: "198.51.100.7"},
			"toor":  {Time: at("2025-01-13T02:13:00Z"), TTY: "pts/2", Host: "203.0.113.5"},
		}},
		{"debian12", "/var/log/wtmp.1", 2, map[string]login{
			"dave":  {Time: at("2024-03-01T16:20:00Z"), TTY: "pts/0", Host: "192.0.2.44"},
			"alice": {Time: at("2024-12-02T09:00:00Z"), TTY: "pts/0", Host: "192.0.2.10"},
		}},
		{"broken", "/var/log/wtmp", 1, map[string]login{
			"alice": {Time: at("2025-02-01T10:00:00Z"), TTY: "pts/0", Host: "192.0.2.10"},
		}},
		{"debian13", "/var/log/wtmp", 0, map[string]login{}},
	}
	for _, tt := range tests {
		t.Run(tt.root+tt.file, func(t *testing.T) {
			root := openFixture(t, tt.root)
			var w sdk.Warnings
			s := readWtmp(context.Background(), root, tt.file, &w)
			if !reflect.DeepEqual(s.ByName, tt.want) || s.Source.Records != tt.wantRecords || !s.Source.Present || s.Complete || len(w) != 0 {
				t.Errorf("readWtmp(%s) = %+v %v complete %v warnings %q, want %d records %v", tt.file, s.Source, s.ByName, s.Complete, w, tt.wantRecords, tt.want)
			}
		})
	}
}

func FuzzDecodeUtmp(f *testing.F) {
	f.Add(readFixture(f, "debian12", "/var/log/wtmp")[:utmpRecordSize])
	f.Add(make([]byte, utmpRecordSize))
	f.Add([]byte("\x07\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, trailing, err := scanUtmp(context.Background(), bytes.NewReader(data), func(b []byte) {
			r, err := decodeUtmp(b)
			if err != nil {
				t.Errorf("decodeUtmp(%q) = %v", b, err)
			}
			if len(r.User) > 32 || len(r.Line) > 32 || len(r.Host) > 256 || len(r.ID) > 4 {
				t.Errorf("decodeUtmp gave oversized fields %+v", r)
			}
			unixTime(int64(r.Sec), int64(r.Usec))
		})
		if err != nil || n*utmpRecordSize+trailing != len(data) {
			t.Errorf("scanUtmp(%d bytes) = %d, %d, %v", len(data), n, trailing, err)
		}
	})
}
