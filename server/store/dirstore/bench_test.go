package dirstore

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/auditfleet/auditfleet/server/store"
)

// BenchmarkPut writes 64 KiB write-once objects (a facts document is of
// that order).
func BenchmarkPut(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("x"), 64<<10)
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		key := fmt.Sprintf("facts/2026-11-20T1200Z/h_%020x/r.json", i)
		i++
		if _, err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), store.PutOptions{WriteOnce: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList lists a cycle of 5,000 hosts; allocations per op show
// that memory follows the directory being read, not the whole prefix.
func BenchmarkList(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	const hosts = 5000
	for i := range hosts {
		key := fmt.Sprintf("facts/2026-11-20T1200Z/h_%020x/r.json", i)
		if _, err := s.Put(context.Background(), key, bytes.NewReader(nil), 0, store.PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		n := 0
		for _, err := range s.List(context.Background(), "facts/2026-11-20T1200Z/") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != hosts {
			b.Fatalf("listed %d objects, want %d", n, hosts)
		}
	}
}
