package journal_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/plugins/internal/journal"
	"github.com/auditfleet/auditfleet/plugins/internal/journal/journaltest"
)

const boot = "0123456789abcdef0123456789abcdef"

var t0 = time.Date(2026, 8, 30, 2, 0, 0, 0, time.UTC)

// sample is three entries, one with a large message.
func sample() []journaltest.Entry {
	return []journaltest.Entry{
		{Realtime: t0, BootID: boot, Fields: []string{"_PID=1", "MESSAGE=Starting backup.service", "UNIT=backup.service"}},
		{Realtime: t0.Add(time.Second), BootID: boot, Fields: []string{"_PID=1", "MESSAGE=" + strings.Repeat("big ", 300), "UNIT=backup.service", "UNIT_RESULT=exit-code"}},
		{Realtime: t0.Add(2 * time.Second), BootID: boot, Fields: []string{"_PID=42", "MESSAGE=other", "_PID=43"}},
	}
}

// walk reads every entry of b, returning one line per entry.
func walk(t *testing.T, b []byte, lim journal.Limits, want ...string) ([]string, journal.Stats, error) {
	t.Helper()
	r, err := journal.NewReader(bytes.NewReader(b), int64(len(b)), lim)
	if err != nil {
		return nil, journal.Stats{}, err
	}
	var got []string
	st, err := r.Walk(context.Background(), want, func(e *journal.Entry) error {
		s := fmt.Sprintf("%d %s %s", e.Seqnum, e.Realtime.Format(time.RFC3339), e.BootID[:4])
		for _, w := range want {
			if v, ok := e.Fields[w]; ok {
				if len(v) > 12 {
					v = v[:12] + "…"
				}
				s += " " + w + "=" + v
			}
		}
		got = append(got, s)
		return nil
	})
	return got, st, err
}

func TestWalk(t *testing.T) {
	all := []string{
		"1 2026-08-30T02:00:00Z 0123 _PID=1 UNIT=backup.servi… MESSAGE=Starting bac…",
		"2 2026-08-30T02:00:01Z 0123 _PID=1 UNIT=backup.servi… MESSAGE=big big big …",
		"3 2026-08-30T02:00:02Z 0123 _PID=42 MESSAGE=other",
	}
	want := []string{"_PID", "UNIT", "MESSAGE"}
	tests := []struct {
		name       string
		opts       journaltest.Options
		lim        journal.Limits
		want       []string
		unreadable int
		problems   int
	}{
		{"regular", journaltest.Options{}, journal.Limits{}, all, 0, 0},
		{"compact", journaltest.Options{Compact: true}, journal.Limits{}, all, 0, 0},
		{"zstd", journaltest.Options{Compress: "zstd"}, journal.Limits{}, all, 0, 0},
		{"compact zstd", journaltest.Options{Compact: true, Compress: "zstd"}, journal.Limits{}, all, 0, 0},
		{"lz4", journaltest.Options{Compress: "lz4"}, journal.Limits{}, all, 0, 0},
		{"xz skipped", journaltest.Options{Compress: "xz"}, journal.Limits{}, []string{all[0], "2 2026-08-30T02:00:01Z 0123 _PID=1 UNIT=backup.servi…", all[2]}, 1, 0},
		{"since", journaltest.Options{}, journal.Limits{Since: t0.Add(time.Second)}, all[1:], 0, 0},
		{"max entries", journaltest.Options{}, journal.Limits{MaxEntries: 2}, all[:2], 0, 1},
		{"max data size", journaltest.Options{}, journal.Limits{MaxDataSize: 100}, []string{all[0], "2 2026-08-30T02:00:01Z 0123 _PID=1 UNIT=backup.servi…", all[2]}, 1, 0},
		{"online", journaltest.Options{State: journal.StateOnline}, journal.Limits{}, all, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := journaltest.Build(tt.opts, sample())
			got, st, err := walk(t, b, tt.lim, want...)
			if err != nil {
				t.Fatalf("Walk error: %v", err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Walk(%s) =\n%s\nwant\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if st.Unreadable != tt.unreadable || len(st.Problems) != tt.problems {
				t.Errorf("Walk(%s) stats = %+v, want %d unreadable, %d problems", tt.name, st, tt.unreadable, tt.problems)
			}
		})
	}
}

// TestWalkDamaged checks that damaged files give what can be read and a
// problem, or an error, and never panic.
func TestWalkDamaged(t *testing.T) {
	good := journaltest.Build(journaltest.Options{}, sample())
	le := binary.LittleEndian
	firstEntry := firstObject(t, good, 3)
	tests := []struct {
		name    string
		damage  func([]byte) []byte
		entries int
		err     bool
		problem string
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-20] }, 2, false, "past the end"},
		{"header only", func(b []byte) []byte { return b[:272] }, 0, false, "truncated"},
		{"short header", func(b []byte) []byte { return b[:100] }, 0, true, ""},
		{"bad signature", func(b []byte) []byte { b[0] = 'X'; return b }, 0, true, ""},
		{"unknown flag", func(b []byte) []byte { le.PutUint32(b[12:], 1<<9); return b }, 0, true, ""},
		{"huge header size", func(b []byte) []byte { le.PutUint64(b[88:], 1<<40); return b }, 0, true, ""},
		{"object size zero", func(b []byte) []byte { le.PutUint64(b[firstEntry+8:], 0); return b }, 0, false, "corrupt"},
		{"object size huge", func(b []byte) []byte { le.PutUint64(b[firstEntry+8:], 1<<62); return b }, 0, false, "past the end"},
		{"item points outside", func(b []byte) []byte { le.PutUint64(b[firstEntry+64:], 1<<40); return b }, 3, false, "field left out"},
		{"item points at entry", func(b []byte) []byte { le.PutUint64(b[firstEntry+64:], uint64(firstEntry)); return b }, 3, false, "not a DATA object"},
		{"tail past end", func(b []byte) []byte { le.PutUint64(b[136:], 1<<50); return b }, 3, false, "truncated"},
		{"arena huge", func(b []byte) []byte { le.PutUint64(b[96:], ^uint64(0)); return b }, 3, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.damage(bytes.Clone(good))
			got, st, err := walk(t, b, journal.Limits{}, "_PID", "MESSAGE")
			if (err != nil) != tt.err {
				t.Fatalf("Walk(%s) error = %v, want error %v", tt.name, err, tt.err)
			}
			if len(got) != tt.entries {
				t.Errorf("Walk(%s) = %d entries %q, want %d", tt.name, len(got), got, tt.entries)
			}
			if tt.problem != "" && !strings.Contains(strings.Join(st.Problems, "|"), tt.problem) {
				t.Errorf("Walk(%s) problems = %q, want one containing %q", tt.name, st.Problems, tt.problem)
			}
			if tt.problem == "" && len(st.Problems) > 0 {
				t.Errorf("Walk(%s) problems = %q, want none", tt.name, st.Problems)
			}
		})
	}
}

// firstObject returns the offset of the first object of type typ in b.
func firstObject(t *testing.T, b []byte, typ byte) int {
	t.Helper()
	le := binary.LittleEndian
	for off := int(le.Uint64(b[88:])); off+16 <= len(b); {
		if b[off] == typ {
			return off
		}
		size := int(le.Uint64(b[off+8:]))
		if size < 16 {
			break
		}
		off += (size + 7) &^ 7
	}
	t.Fatalf("no object of type %d", typ)
	return 0
}

// realFile reads the gzipped file systemd-journal-remote wrote.
func realFile(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "remote.journal.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWalkByteBudget(t *testing.T) {
	var es []journaltest.Entry
	for i := range 5000 {
		es = append(es, journaltest.Entry{Realtime: t0.Add(time.Duration(i) * time.Second), BootID: boot, Fields: []string{fmt.Sprintf("MESSAGE=message number %d with some padding to make it longer", i)}})
	}
	b := journaltest.Build(journaltest.Options{}, es)
	got, st, err := walk(t, b, journal.Limits{MaxBytes: 128 << 10}, "MESSAGE")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || len(got) >= len(es) || st.BytesRead > 128<<10 || !strings.Contains(strings.Join(st.Problems, ""), "budget") {
		t.Errorf("Walk with a 128 KiB budget on %d bytes: %d entries, stats %+v; want some entries, a budget problem and at most 128 KiB read", len(b), len(got), st)
	}
}

func TestWalkCancelled(t *testing.T) {
	b := journaltest.Build(journaltest.Options{}, sample())
	r, err := journal.NewReader(bytes.NewReader(b), int64(len(b)), journal.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Walk(ctx, nil, func(*journal.Entry) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk with a cancelled context = %v, want context.Canceled", err)
	}
	stop := errors.New("stop")
	n := 0
	if _, err := r.Walk(context.Background(), nil, func(*journal.Entry) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Walk with a failing callback = %v after %d calls, want stop after 1", err, n)
	}
}

// TestWalkRealFile reads a file written by systemd-journal-remote (see
// plugins/services/testdata/build.sh, stored gzipped): compact, keyed
// hash, zstd.
func TestWalkRealFile(t *testing.T) {
	b := realFile(t)
	r, err := journal.NewReader(bytes.NewReader(b), int64(len(b)), journal.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header()
	if !h.Compact() || h.Incompatible&journal.IncompatCompressedZstd == 0 || h.NEntries != 3 {
		t.Errorf("Header() = %+v, want compact, zstd, 3 entries", h)
	}
	got, st, err := walk(t, b, journal.Limits{}, "MESSAGE", "_PID")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1 2026-08-29T10:40:00Z 0123 MESSAGE=hello 0 xxxx… _PID=1",
		"2 2026-08-29T10:40:01Z 0123 MESSAGE=hello 1 xxxx… _PID=1",
		"3 2026-08-29T10:40:02Z 0123 MESSAGE=short _PID=1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || st.Unreadable != 0 || len(st.Problems) != 0 {
		t.Errorf("Walk(remote.journal) =\n%s\nstats %+v; want\n%s", strings.Join(got, "\n"), st, strings.Join(want, "\n"))
	}
}

func TestParseHeader(t *testing.T) {
	b := journaltest.Build(journaltest.Options{Compact: true, Compress: "zstd", State: journal.StateArchived}, sample())
	h, err := journal.ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Compact() || h.State != journal.StateArchived || h.NEntries != 3 || h.HeaderSize != 272 || !h.HeadRealtime.Equal(t0) || !h.TailRealtime.Equal(t0.Add(2*time.Second)) {
		t.Errorf("ParseHeader = %+v", h)
	}
	if _, err := journal.ParseHeader([]byte("LPKSHHRH")); !errors.Is(err, journal.ErrNotJournal) {
		t.Errorf("ParseHeader(signature only) = %v, want ErrNotJournal", err)
	}
}

// FuzzWalk feeds arbitrary bytes, and damaged real layouts, to the reader.
func FuzzWalk(f *testing.F) {
	f.Add(journaltest.Build(journaltest.Options{}, sample()))
	f.Add(journaltest.Build(journaltest.Options{Compact: true, Compress: "zstd"}, sample()))
	f.Add(journaltest.Build(journaltest.Options{Compress: "lz4", State: journal.StateOnline}, sample()))
	f.Add(realFile(f))
	f.Add([]byte("LPKSHHRH"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := journal.NewReader(bytes.NewReader(b), int64(len(b)), journal.Limits{MaxBytes: 1 << 20, MaxDataSize: 4096})
		if err != nil {
			return
		}
		n := 0
		st, err := r.Walk(context.Background(), []string{"MESSAGE", "_PID", "UNIT"}, func(e *journal.Entry) error {
			n++
			for k, v := range e.Fields {
				if len(k)+len(v) > 4096 {
					t.Fatalf("field %s of %d bytes over the limit", k, len(v))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Walk error %v on damaged input (want problems, not errors)", err)
		}
		if st.Entries != n || st.BytesRead > 1<<20 {
			t.Fatalf("stats %+v after %d entries", st, n)
		}
	})
}
