package auditlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/auditfleet/auditfleet/internal/miniotest"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/internal/tamper"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
	"github.com/auditfleet/auditfleet/server/store/s3store"
)

// minioServer is the one MinIO server of this package's tests.
var minioServer miniotest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := minioServer.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// backend is a store to run the tests on, with a way to tamper with it.
type backend struct {
	name string
	open func(t *testing.T) (store.Backend, tamper.Store)
}

var backends = []backend{
	{"dir", func(t *testing.T) (store.Backend, tamper.Store) {
		dir := t.TempDir()
		st, err := dirstore.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return st, tamper.Dir(dir)
	}},
	{"minio", func(t *testing.T) (store.Backend, tamper.Store) {
		st, tm, _ := openMinio(t, true)
		return st, tm
	}},
}

// openMinio returns a store on a new bucket (with object lock if lock) and
// the bucket's name.
func openMinio(t *testing.T, lock bool) (store.Backend, tamper.Store, string) {
	t.Helper()
	srv := minioServer.Server(t)
	bucket := srv.NewBucket(t, lock, lock)
	st, err := s3store.New(s3store.Config{Endpoint: srv.Endpoint, Bucket: bucket, PathStyle: true, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := tamper.S3(srv.Endpoint, srv.AccessKey, srv.SecretKey, bucket)
	if err != nil {
		t.Fatal(err)
	}
	return st, tm, bucket
}

// t0 is when the test chains start.
var t0 = time.Date(2026, 11, 19, 23, 59, 50, 0, time.UTC)

// clock returns a clock that starts at start and advances step per call.
func clock(start time.Time, step time.Duration) func() time.Time {
	var n atomic.Int64
	return func() time.Time { return start.Add(time.Duration(n.Add(1)-1) * step) }
}

// fixture is a log with two writers: A appended five entries and closed
// its chain (entry 6); B appended four and is still running. Their
// entries interleave and cross midnight.
type fixture struct {
	st   store.Backend
	tm   tamper.Store
	a, b *Log
	keys map[string]string // "A3" → key of A's entry 3
	ids  map[string]string // writer ID → "A" or "B"
}

func newFixture(t *testing.T, be backend) *fixture {
	t.Helper()
	ctx := context.Background()
	st, tm := be.open(t)
	f := &fixture{st: st, tm: tm, keys: map[string]string{}, ids: map[string]string{}}
	f.a = &Log{Store: st, Now: clock(t0, 2*time.Second), Retain: 24 * time.Hour}
	f.b = &Log{Store: st, Now: clock(t0.Add(time.Second), 2*time.Second), Retain: 24 * time.Hour}
	actor := auth.Principal{Kind: "person", ID: "alice", Role: auth.Admin}
	for i := 1; i <= 5; i++ {
		outcome := OK
		if i == 3 {
			outcome = Denied
		}
		if err := f.a.Append(ctx, Entry{Actor: actor, Action: Read, Object: fmt.Sprintf("results %d", i), Outcome: outcome}); err != nil {
			t.Fatal(err)
		}
		if i <= 4 {
			if err := f.b.Append(ctx, Entry{Actor: actor, Action: Update, Object: fmt.Sprintf("org %d", i), Outcome: OK}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	f.index(t)
	return f
}

// index records the key of every entry by writer label and sequence.
func (f *fixture) index(t *testing.T) {
	t.Helper()
	for o, err := range f.st.List(context.Background(), objkey.AuditPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		k, err := objkey.ParseAudit(o.Key)
		if err != nil {
			t.Fatal(err)
		}
		label, ok := f.ids[k.Writer.String()]
		if !ok {
			label = string(rune('A' + len(f.ids)))
			f.ids[k.Writer.String()] = label
		}
		f.keys[fmt.Sprintf("%s%d", label, k.Seq)] = o.Key
	}
}

func (f *fixture) read(t *testing.T, label string) (Entry, []byte) {
	t.Helper()
	b, _, err := store.GetBytes(context.Background(), f.st, f.keys[label])
	if err != nil {
		t.Fatal(err)
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e, b
}

func (f *fixture) rewrite(t *testing.T, label string, b []byte) {
	t.Helper()
	if err := f.tm.Rewrite(context.Background(), f.keys[label], b); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) delete(t *testing.T, label string) {
	t.Helper()
	if err := f.st.Delete(context.Background(), f.keys[label]); err != nil {
		t.Fatal(err)
	}
}

// verify verifies the whole log as of at and returns its problems as
// "kind writer-label seq".
func (f *fixture) verify(t *testing.T, at time.Time) ([]string, *Report) {
	t.Helper()
	return f.verifyFrom(t, t0.Add(-time.Hour), at)
}

func (f *fixture) verifyFrom(t *testing.T, from, at time.Time) ([]string, *Report) {
	t.Helper()
	v := &Log{Store: f.st, Now: func() time.Time { return at }}
	rep, err := v.Verify(context.Background(), from, at, VerifyOptions{Stale: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, p := range rep.Problems {
		label := f.ids[p.Writer]
		if label == "" && p.Writer != "" {
			label = p.Writer
		}
		got = append(got, fmt.Sprintf("%s %s%d", p.Kind, label, p.Seq))
	}
	slices.Sort(got)
	return got, rep
}

func TestVerify(t *testing.T) {
	soon := t0.Add(30 * time.Minute) // B is live: its last entry is recent
	later := t0.Add(3 * time.Hour)   // B's checkpoints are overdue
	tests := []struct {
		name   string
		tamper func(t *testing.T, f *fixture)
		at     time.Time
		want   []string
	}{
		{"intact", nil, soon, []string{}},
		{"deleted entry", func(t *testing.T, f *fixture) { f.delete(t, "A3") }, soon, []string{"missing A3"}},
		{"deleted entries", func(t *testing.T, f *fixture) { f.delete(t, "A2"); f.delete(t, "A3") }, soon, []string{"missing A2"}},
		// The range starts an hour before the chains; the verification
		// allows 2h of silence, so the start of a chain is not missed.
		{"deleted first entry", func(t *testing.T, f *fixture) { f.delete(t, "A1") }, soon, []string{}},
		{"deleted first entry, range from 3h before", func(t *testing.T, f *fixture) { f.delete(t, "A1") }, soon, []string{"missing A1"}},
		// A closed chain that lost its close looks like a live one until
		// its checkpoints are overdue.
		{"deleted close", func(t *testing.T, f *fixture) { f.delete(t, "A6") }, later, []string{"truncated A5", "truncated B4"}},
		{"deleted last two", func(t *testing.T, f *fixture) { f.delete(t, "A5"); f.delete(t, "A6") }, later, []string{"truncated A4", "truncated B4"}},
		{"deleted tail of a live chain, then the writer appends", func(t *testing.T, f *fixture) {
			f.delete(t, "B4")
			if err := f.b.Append(context.Background(), Entry{Action: Read, Object: "x", Outcome: OK}); err != nil {
				t.Fatal(err)
			}
		}, soon, []string{"missing B4"}},
		{"live chain silent too long", nil, later, []string{"truncated B4"}},
		{"edited, checksum fixed", func(t *testing.T, f *fixture) {
			_, b := f.read(t, "A3")
			b = []byte(strings.Replace(string(b), `"outcome":"denied"`, `"outcome":"ok"`, 1))
			f.rewrite(t, "A3", b)
		}, soon, []string{"altered A3"}},
		{"edited, hash and checksum fixed", func(t *testing.T, f *fixture) {
			e, _ := f.read(t, "A3")
			e.Outcome = OK
			e.Hash, _ = e.sum()
			b, _ := json.Marshal(e)
			f.rewrite(t, "A3", b)
		}, soon, []string{"altered A4"}},
		{"edited whitespace only", func(t *testing.T, f *fixture) {
			_, b := f.read(t, "A2")
			f.rewrite(t, "A2", append(b, '\n'))
		}, soon, []string{"altered A2"}},
		{"reordered: two entries swapped", func(t *testing.T, f *fixture) {
			_, b2 := f.read(t, "A2")
			_, b3 := f.read(t, "A3")
			f.rewrite(t, "A2", b3)
			f.rewrite(t, "A3", b2)
		}, soon, []string{"reordered A2", "reordered A3"}},
		{"reordered: times swapped, hashes recomputed", func(t *testing.T, f *fixture) {
			e2, _ := f.read(t, "A2")
			e3, _ := f.read(t, "A3")
			// Keep each at its key but make 3 older than 2 and relink.
			e3.Time = e2.Time.Add(-time.Millisecond)
			e3.Hash, _ = e3.sum()
			b3, _ := json.Marshal(e3)
			f.delete(t, "A3")
			k, _ := objkey.Audit(e3.Time, e3.Writer, 3)
			if _, err := store.PutBytes(context.Background(), f.st, k, b3, store.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}, soon, []string{"altered A4", "reordered A3"}},
		{"copied to a second place", func(t *testing.T, f *fixture) {
			e, b := f.read(t, "A3")
			k, _ := objkey.Audit(e.Time.Add(time.Millisecond), e.Writer, 3)
			if _, err := store.PutBytes(context.Background(), f.st, k, b, store.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}, soon, []string{"reordered A3", "reordered A3"}},
		{"corrupt, checksum fixed", func(t *testing.T, f *fixture) { f.rewrite(t, "B2", []byte("{not json")) }, soon, []string{"corrupt B2"}},
		{"corrupt, checksum stale", func(t *testing.T, f *fixture) {
			if err := f.tm.Rot(context.Background(), f.keys["B2"]); err != nil {
				t.Fatal(err)
			}
		}, soon, []string{"corrupt B2"}},
		{"entry after the close", func(t *testing.T, f *fixture) {
			e, _ := f.read(t, "A6")
			e.Seq, e.Prev, e.Action, e.Actor, e.Time = 7, e.Hash, Read, auth.Principal{Kind: "person", ID: "mallory"}, e.Time.Add(time.Second)
			e.Hash, _ = e.sum()
			b, _ := json.Marshal(e)
			k, _ := objkey.Audit(e.Time, e.Writer, 7)
			if _, err := store.PutBytes(context.Background(), f.st, k, b, store.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}, soon, []string{"reordered A7"}},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					f := newFixture(t, be)
					if tt.tamper != nil {
						tt.tamper(t, f)
					}
					from := t0.Add(-time.Hour)
					if strings.Contains(tt.name, "range from 3h before") {
						from = t0.Add(-3 * time.Hour)
					}
					got, rep := f.verifyFrom(t, from, tt.at)
					if !slices.Equal(got, tt.want) {
						var sb strings.Builder
						_ = rep.WriteText(&sb)
						t.Errorf("problems = %q, want %q\n%s", got, tt.want, sb.String())
					}
					if rep.OK() != (len(tt.want) == 0) {
						t.Errorf("OK() = %v with %d problems", rep.OK(), len(rep.Problems))
					}
				})
			}
		})
	}
}

func TestVerifyIntactChains(t *testing.T) {
	f := newFixture(t, backends[0])
	_, rep := f.verify(t, t0.Add(time.Minute))
	if rep.Entries != 10 || len(rep.Chains) != 2 {
		t.Fatalf("verified %d entries in %d chains, want 10 in 2", rep.Entries, len(rep.Chains))
	}
	want := map[string]string{"A": ChainClosed, "B": ChainOpen}
	for _, c := range rep.Chains {
		if got := c.State; got != want[f.ids[c.Writer.String()]] {
			t.Errorf("chain %s is %s, want %s", f.ids[c.Writer.String()], got, want[f.ids[c.Writer.String()]])
		}
		if c.First != 1 || c.Head == "" {
			t.Errorf("chain %+v: want it to start at 1 with a head", c)
		}
	}
}

// failing fails Puts of audit entries while fail is set; if stored is set
// too, the entry is stored before the error (the answer was lost).
type failing struct {
	store.Backend
	fail, stored atomic.Bool
}

func (s *failing) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error) {
	if s.fail.Load() {
		if s.stored.Load() {
			if _, err := s.Backend.Put(ctx, key, r, size, opts); err != nil {
				return store.Object{}, err
			}
		}
		return store.Object{}, errors.New("injected failure")
	}
	return s.Backend.Put(ctx, key, r, size, opts)
}

func TestVerifyAfterFailedAppend(t *testing.T) {
	tests := []struct {
		name   string
		stored bool // the failed write was stored after all
		twice  bool // the first write of the next chain fails as well
		want   []string
	}{
		{"failed write not stored", false, false, []string{}},
		{"failed write stored", true, false, []string{"unconfirmed A3"}},
		{"next chain's first write fails too", false, true, []string{}},
		{"next chain's first write fails too, both stored", true, true, []string{"unconfirmed A3", "unconfirmed B1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := dirstore.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			fs := &failing{Backend: st}
			fs.stored.Store(tt.stored)
			l := &Log{Store: fs, Now: clock(t0, time.Second)}
			appendOK := func() {
				if err := l.Append(ctx, Entry{Action: Read, Object: "x", Outcome: OK}); err != nil {
					t.Fatal(err)
				}
			}
			appendOK()
			appendOK()
			fs.fail.Store(true)
			if err := l.Append(ctx, Entry{Action: Read, Object: "x", Outcome: OK}); err == nil {
				t.Fatal("Append on a failing store succeeded")
			}
			if tt.twice {
				if err := l.Append(ctx, Entry{Action: Read, Object: "x", Outcome: OK}); err == nil {
					t.Fatal("Append on a failing store succeeded")
				}
			}
			fs.fail.Store(false)
			appendOK()
			if err := l.Close(ctx); err != nil {
				t.Fatal(err)
			}
			f := &fixture{st: st, keys: map[string]string{}, ids: map[string]string{}}
			f.index(t)
			got, rep := f.verify(t, t0.Add(time.Minute))
			if !slices.Equal(got, tt.want) {
				var sb strings.Builder
				_ = rep.WriteText(&sb)
				t.Errorf("problems = %q, want %q\n%s", got, tt.want, sb.String())
			}
		})
	}
}

// TestConcurrentWriters appends from many goroutines through three
// writers sharing one store; every entry is in an intact chain.
func TestConcurrentWriters(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			st, _ := be.open(t)
			logs := []*Log{{Store: st}, {Store: st}, {Store: st}}
			var wg sync.WaitGroup
			errs := make(chan error, 60)
			for i := range 60 {
				wg.Go(func() {
					errs <- logs[i%3].Append(ctx, Entry{Action: Read, Object: fmt.Sprint(i), Outcome: OK})
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, l := range logs {
				if err := l.Close(ctx); err != nil {
					t.Fatal(err)
				}
			}
			now := time.Now()
			rep, err := (&Log{Store: st}).Verify(ctx, now.Add(-time.Hour), now.Add(time.Minute), VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || rep.Entries != 63 || len(rep.Chains) != 3 {
				var sb strings.Builder
				_ = rep.WriteText(&sb)
				t.Errorf("want 63 entries in 3 intact chains:\n%s", sb.String())
			}
		})
	}
}

func TestRetention(t *testing.T) {
	st, _, bucket := openMinio(t, true)
	l := &Log{Store: st, Retain: 48 * time.Hour}
	if err := l.Append(context.Background(), Entry{Action: Read, Object: "x", Outcome: OK}); err != nil {
		t.Fatal(err)
	}
	var key string
	for o, err := range st.List(context.Background(), objkey.AuditPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		key = o.Key
	}
	mode, until, err := minioServer.Server(t).Client().GetObjectRetention(context.Background(), bucket, key, "")
	if err != nil {
		t.Fatal(err)
	}
	if mode == nil || *mode != minio.Governance || until == nil || until.Before(time.Now().Add(47*time.Hour)) {
		t.Errorf("retention of %s = %v until %v, want governance for 48h", key, mode, until)
	}
}

func TestEntriesReportsBadEntries(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			f := newFixture(t, be)
			f.rewrite(t, "A2", []byte("garbage"))
			_, b := f.read(t, "B3")
			f.rewrite(t, "B3", []byte(strings.Replace(string(b), `"org 3"`, `"org 9"`, 1)))
			var objects []string
			bad := map[string]string{}
			l := &Log{Store: f.st}
			for e, err := range l.Entries(context.Background(), t0.Add(-time.Hour), t0.Add(time.Hour)) {
				var ee *EntryError
				switch {
				case errors.As(err, &ee):
					bad[ee.Key] = ee.Kind
				case err != nil:
					t.Fatal(err)
				default:
					objects = append(objects, e.Object)
				}
			}
			if len(objects) != 8 || len(bad) != 2 || bad[f.keys["A2"]] != Corrupt || bad[f.keys["B3"]] != Altered {
				t.Errorf("entries %q, bad %v; want the 8 others and A2 corrupt, B3 altered", objects, bad)
			}
		})
	}
}

func TestEntriesTimeRange(t *testing.T) {
	f := newFixture(t, backends[0])
	l := &Log{Store: f.st}
	n := 0
	// The fixture crosses midnight at t0+10s (A's close); A5 is at t0+8s.
	for e, err := range l.Entries(context.Background(), t0.Add(8*time.Second), t0.Add(time.Hour)) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Time.Before(t0.Add(8 * time.Second)) {
			t.Errorf("entry of %s is before the range", e.Time)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d entries after midnight, want 2 (A5 and A's close)", n)
	}
}
