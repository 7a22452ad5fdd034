package storetest

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/auditfleet/auditfleet/server/store"
)

// testIfMatch checks compare-and-swap: a Put with the ETag last read
// succeeds, one with a stale ETag fails with ErrChanged and leaves the
// object as it was, and one on a deleted key fails with ErrNotFound.
func testIfMatch(t *testing.T, b store.Backend) {
	ctx := context.Background()
	first := put(t, b, "cas/k", []byte("one"), store.PutOptions{})
	if first.ETag == "" {
		t.Fatal("Put returned no ETag")
	}
	if st, err := b.Stat(ctx, "cas/k"); err != nil || st.ETag != first.ETag {
		t.Fatalf("Stat = %+v, %v; want ETag %q as Put returned", st, err, first.ETag)
	}
	if _, o := get(t, b, "cas/k"); o.ETag != first.ETag {
		t.Fatalf("Get ETag = %q, want %q as Put returned", o.ETag, first.ETag)
	}
	second := put(t, b, "cas/k", []byte("two"), store.PutOptions{IfMatch: first.ETag})
	if second.ETag == "" || second.ETag == first.ETag {
		t.Fatalf("ETag after a change = %q, want a new one (first %q)", second.ETag, first.ETag)
	}
	_, err := b.Put(ctx, "cas/k", strings.NewReader("stale"), 5, store.PutOptions{IfMatch: first.ETag})
	if !errors.Is(err, store.ErrChanged) {
		t.Fatalf("Put with a stale ETag = %v, want ErrChanged", err)
	}
	if got, o := get(t, b, "cas/k"); string(got) != "two" || o.ETag != second.ETag {
		t.Errorf("after a refused stale Put: %q (ETag %q), want %q (ETag %q)", got, o.ETag, "two", second.ETag)
	}
	if err := b.Delete(ctx, "cas/k"); err != nil {
		t.Fatal(err)
	}
	_, err = b.Put(ctx, "cas/k", strings.NewReader("ghost"), 5, store.PutOptions{IfMatch: second.ETag})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Put with IfMatch on a deleted key = %v, want ErrNotFound", err)
	}
	if _, err := b.Stat(ctx, "cas/k"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Stat after a refused IfMatch Put on a deleted key = %v, want ErrNotFound", err)
	}
}

// testIfAbsent checks that IfAbsent creates a key once, refuses a second
// creation with ErrExists, and leaves the object mutable by IfMatch.
func testIfAbsent(t *testing.T, b store.Backend) {
	ctx := context.Background()
	o := put(t, b, "absent/k", []byte("first"), store.PutOptions{IfAbsent: true})
	if _, err := b.Put(ctx, "absent/k", strings.NewReader("again"), 5, store.PutOptions{IfAbsent: true}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second IfAbsent Put = %v, want ErrExists", err)
	}
	put(t, b, "absent/k", []byte("changed"), store.PutOptions{IfMatch: o.ETag})
	if got, _ := get(t, b, "absent/k"); string(got) != "changed" {
		t.Errorf("Get = %q, want %q", got, "changed")
	}
}

// testIfMatchConcurrent runs writers that each read a counter, add one
// and write it back with IfMatch, retrying on ErrChanged: no increment
// may be lost, and of writers racing from one revision exactly one wins.
func testIfMatchConcurrent(t *testing.T, b store.Backend) {
	const writers, each = 6, 5
	ctx := context.Background()
	base := put(t, b, "counter/k", []byte("0"), store.PutOptions{})

	// All writers from one revision: exactly one succeeds.
	var wg sync.WaitGroup
	errs := make([]error, writers)
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			v := []byte("w" + strconv.Itoa(i))
			_, errs[i] = b.Put(ctx, "counter/k", bytes.NewReader(v), int64(len(v)), store.PutOptions{IfMatch: base.ETag})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrChanged):
			t.Errorf("writer %d: %v, want nil or ErrChanged", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers succeeded from one revision, want exactly 1", won)
	}

	// Read-modify-write with retries: every increment lands.
	put(t, b, "counter/k", []byte("0"), store.PutOptions{})
	incr := func() error {
		for {
			data, o := get(t, b, "counter/k")
			n, err := strconv.Atoi(string(data))
			if err != nil {
				return err
			}
			v := []byte(strconv.Itoa(n + 1))
			_, err = b.Put(ctx, "counter/k", bytes.NewReader(v), int64(len(v)), store.PutOptions{IfMatch: o.ETag})
			if !errors.Is(err, store.ErrChanged) {
				return err
			}
		}
	}
	for range writers {
		wg.Go(func() {
			for range each {
				if err := incr(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got, _ := get(t, b, "counter/k"); string(got) != strconv.Itoa(writers*each) {
		t.Errorf("counter = %s after %d increments: updates were lost", got, writers*each)
	}
}
