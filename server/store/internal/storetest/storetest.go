package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/store"
)

// Versioner is implemented by backends that keep versions; the suite then
// checks that Delete leaves none of a key's versions behind.
type Versioner interface {
	// Versions lists every version of key, delete markers included.
	Versions(ctx context.Context, key string) ([]store.Object, error)
}

// PageKeys is how many keys the listing test stores: more than the 1,000
// an S3 listing returns per page.
const PageKeys = 1050

// Run runs the conformance suite. newStore must return a new, empty
// backend each time it is called.
func Run(t *testing.T, newStore func(t *testing.T) store.Backend) {
	tests := []struct {
		name string
		f    func(t *testing.T, b store.Backend)
	}{
		{"RoundTrip", testRoundTrip},
		{"Stat", testStat},
		{"DefaultContentType", testDefaultContentType},
		{"Overwrite", testOverwrite},
		{"WriteOnceExisting", testWriteOnceExisting},
		{"WriteOnceConcurrent", testWriteOnceConcurrent},
		{"IfMatch", testIfMatch},
		{"IfAbsent", testIfAbsent},
		{"IfMatchConcurrent", testIfMatchConcurrent},
		{"WrongSize", testWrongSize},
		{"HostileKeys", testHostileKeys},
		{"ListOrder", testListOrder},
		{"ListPages", testListPages},
		{"ListStopsEarly", testListStopsEarly},
		{"Missing", testMissing},
		{"DeleteAllVersions", testDeleteAllVersions},
		{"LegalHold", testLegalHold},
		{"Cancel", testCancel},
		{"Check", testCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f(t, newStore(t))
		})
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func put(t *testing.T, b store.Backend, key string, data []byte, opts store.PutOptions) store.Object {
	t.Helper()
	obj, err := b.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("Put(%q, %d bytes, %+v) = %v", key, len(data), opts, err)
	}
	return obj
}

func get(t *testing.T, b store.Backend, key string) ([]byte, store.Object) {
	t.Helper()
	rc, obj, err := b.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q) = %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return data, obj
}

func list(t *testing.T, b store.Backend, prefix string) []store.Object {
	t.Helper()
	var out []store.Object
	for obj, err := range b.List(context.Background(), prefix) {
		if err != nil {
			t.Fatalf("List(%q) = %v after %d objects", prefix, err, len(out))
		}
		out = append(out, obj)
	}
	return out
}

func keys(objs []store.Object) []string {
	var ks []string
	for _, o := range objs {
		ks = append(ks, o.Key)
	}
	return ks
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func testRoundTrip(t *testing.T, b store.Backend) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", []byte{}},
		{"small", []byte(`{"schema_version":1}`)},
		{"5MiB", randomBytes(5<<20, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "round/" + tt.name + ".bin"
			obj := put(t, b, key, tt.data, store.PutOptions{ContentType: "application/json"})
			want := sum(tt.data)
			if obj.Key != key || obj.Size != int64(len(tt.data)) || obj.SHA256 != want {
				t.Errorf("Put(%q) = %+v, want key %q, size %d, sha256 %s", key, obj, key, len(tt.data), want)
			}
			got, gobj := get(t, b, key)
			if !bytes.Equal(got, tt.data) {
				t.Errorf("Get(%q) = %d bytes, want the %d bytes put", key, len(got), len(tt.data))
			}
			if gobj.SHA256 != want || gobj.Size != int64(len(tt.data)) || gobj.ContentType != "application/json" {
				t.Errorf("Get(%q) object = %+v, want sha256 %s, size %d, content type application/json", key, gobj, want, len(tt.data))
			}
		})
	}
}

func testStat(t *testing.T, b store.Backend) {
	data := []byte("stat me")
	before := time.Now().Add(-time.Hour)
	put(t, b, "stat/k", data, store.PutOptions{ContentType: "text/plain"})
	obj, err := b.Stat(context.Background(), "stat/k")
	if err != nil {
		t.Fatalf("Stat = %v", err)
	}
	if obj.Key != "stat/k" || obj.Size != int64(len(data)) || obj.SHA256 != sum(data) || obj.ContentType != "text/plain" {
		t.Errorf("Stat(%q) = %+v, want size %d, sha256 %s, text/plain", "stat/k", obj, len(data), sum(data))
	}
	if obj.LastModified.Before(before) {
		t.Errorf("Stat(%q).LastModified = %v, want about now", "stat/k", obj.LastModified)
	}
}

func testDefaultContentType(t *testing.T, b store.Backend) {
	put(t, b, "ct", []byte("x"), store.PutOptions{})
	obj, err := b.Stat(context.Background(), "ct")
	if err != nil || obj.ContentType != store.DefaultContentType {
		t.Fatalf("Stat of an object put without a content type = %+v, %v; want %s", obj, err, store.DefaultContentType)
	}
}

func testOverwrite(t *testing.T, b store.Backend) {
	put(t, b, "over/k", []byte("first"), store.PutOptions{})
	obj := put(t, b, "over/k", []byte("second, longer"), store.PutOptions{})
	if obj.SHA256 != sum([]byte("second, longer")) {
		t.Errorf("Put over an existing key returned sha256 %s, want that of the new bytes", obj.SHA256)
	}
	if got, _ := get(t, b, "over/k"); string(got) != "second, longer" {
		t.Errorf("Get after overwrite = %q, want %q", got, "second, longer")
	}
	if objs := list(t, b, "over/"); len(objs) != 1 {
		t.Errorf("List after overwrite = %q, want one key", keys(objs))
	}
}

func testWriteOnceExisting(t *testing.T, b store.Backend) {
	ctx := context.Background()
	put(t, b, "once/k", []byte("original"), store.PutOptions{WriteOnce: true})
	_, err := b.Put(ctx, "once/k", strings.NewReader("replacement"), 11, store.PutOptions{WriteOnce: true})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second write-once Put = %v, want ErrExists", err)
	}
	if got, _ := get(t, b, "once/k"); string(got) != "original" {
		t.Errorf("Get after refused write-once Put = %q, want %q", got, "original")
	}
	// A key written normally is just as present.
	put(t, b, "once/plain", []byte("plain"), store.PutOptions{})
	if _, err := b.Put(ctx, "once/plain", strings.NewReader("x"), 1, store.PutOptions{WriteOnce: true}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("write-once Put over a normal object = %v, want ErrExists", err)
	}
	if got, _ := get(t, b, "once/plain"); string(got) != "plain" {
		t.Errorf("Get after refused write-once Put = %q, want %q", got, "plain")
	}
}

func testWriteOnceConcurrent(t *testing.T, b store.Backend) {
	const writers = 8
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, writers)
	payload := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, 64<<10) }
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			data := payload(i)
			_, errs[i] = b.Put(ctx, "race/k", bytes.NewReader(data), int64(len(data)), store.PutOptions{WriteOnce: true})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrExists):
			t.Errorf("writer %d: %v, want nil or ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no write-once writer succeeded: %v", errs)
	}
	if got, _ := get(t, b, "race/k"); !bytes.Equal(got, payload(winner)) {
		t.Errorf("Get after the race returned bytes of another writer than the winner %d", winner)
	}
}

func testWrongSize(t *testing.T, b store.Backend) {
	ctx := context.Background()
	tests := []struct {
		name string
		data string
		size int64
	}{
		{"short", "12345", 10},
		{"long", "1234567890", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "size/" + tt.name
			if _, err := b.Put(ctx, key, strings.NewReader(tt.data), tt.size, store.PutOptions{}); err == nil {
				t.Fatalf("Put(%d bytes, size %d) = nil error, want one", len(tt.data), tt.size)
			}
			if _, err := b.Stat(ctx, key); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Stat after a failed Put = %v, want ErrNotFound", err)
			}
		})
	}
	// Unknown size is allowed.
	obj, err := b.Put(ctx, "size/unknown", strings.NewReader("abc"), -1, store.PutOptions{})
	if err != nil || obj.Size != 3 || obj.SHA256 != sum([]byte("abc")) {
		t.Fatalf("Put(size -1) = %+v, %v; want size 3 and its sha256", obj, err)
	}
}

// HostileKeys are keys every backend must refuse with ErrInvalidKey.
var HostileKeys = []string{
	"",
	"../x",
	"..",
	"a/../../b",
	"a/..",
	"/abs",
	"a//b",
	"a/",
	"a/./b",
	"./a",
	`a\b`,
	`..\x`,
	"a\x00b",
	"a\nb",
	strings.Repeat("k", 2048),
	"a\xffb",
	"a\xc0\xafb",
}

func testHostileKeys(t *testing.T, b store.Backend) {
	ctx := context.Background()
	for _, key := range HostileKeys {
		t.Run(fmt.Sprintf("%.40q", key), func(t *testing.T) {
			if _, err := b.Put(ctx, key, strings.NewReader("x"), 1, store.PutOptions{}); !errors.Is(err, store.ErrInvalidKey) {
				t.Errorf("Put(%.40q) = %v, want ErrInvalidKey", key, err)
			}
			if _, err := b.Put(ctx, key, strings.NewReader("x"), 1, store.PutOptions{WriteOnce: true}); !errors.Is(err, store.ErrInvalidKey) {
				t.Errorf("Put(%.40q, write-once) = %v, want ErrInvalidKey", key, err)
			}
			if _, _, err := b.Get(ctx, key); !errors.Is(err, store.ErrInvalidKey) {
				t.Errorf("Get(%.40q) = %v, want ErrInvalidKey", key, err)
			}
			if _, err := b.Stat(ctx, key); !errors.Is(err, store.ErrInvalidKey) {
				t.Errorf("Stat(%.40q) = %v, want ErrInvalidKey", key, err)
			}
			if err := b.Delete(ctx, key); !errors.Is(err, store.ErrInvalidKey) {
				t.Errorf("Delete(%.40q) = %v, want ErrInvalidKey", key, err)
			}
			if err := b.SetLegalHold(ctx, key, true); !errors.Is(err, store.ErrInvalidKey) {
				t.Errorf("SetLegalHold(%.40q) = %v, want ErrInvalidKey", key, err)
			}
		})
	}
	for _, prefix := range []string{"../", "/", "a//", "a/../", `a\`, "a\x00", "\xff"} {
		var err error
		for _, err = range b.List(ctx, prefix) {
		}
		if !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("List(%q) = %v, want ErrInvalidKey", prefix, err)
		}
	}
	if objs := list(t, b, ""); len(objs) != 0 {
		t.Errorf("List(\"\") after hostile Puts = %q, want nothing stored", keys(objs))
	}
}

func testListOrder(t *testing.T, b store.Backend) {
	// Keys that sort differently as strings than as paths: " ", "%", "-"
	// and "." sort before "/", "0", ":" and letters after it. No key is
	// also a directory of another ("l/a" and "l/a/b"): MinIO cannot store
	// both, so the contract excludes it.
	stored := []string{
		"l/a/b", "l/a/c", "l/a-b", "l/a.b", "l/a0", "l/ab/c", "l/A", "l/b",
		"l/é", "l/z~", "l/a b", "l/a%2f", "l/con", "l/a:b",
		"la", "lb", "m/a",
	}
	for i, k := range stored {
		put(t, b, k, []byte(k), store.PutOptions{ContentType: fmt.Sprintf("text/x-%d", i)})
	}
	tests := []struct {
		prefix string
	}{
		{""}, {"l"}, {"l/"}, {"l/a"}, {"l/a/"}, {"l/a/b"}, {"l/a-"}, {"l/é"}, {"l/x"}, {"n"}, {"m/a"}, {"l/a/b/"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			var want []string
			for _, k := range stored {
				if strings.HasPrefix(k, tt.prefix) {
					want = append(want, k)
				}
			}
			slices.Sort(want)
			objs := list(t, b, tt.prefix)
			if got := keys(objs); !slices.Equal(got, want) {
				t.Fatalf("List(%q) = %q, want %q", tt.prefix, got, want)
			}
			for _, o := range objs {
				if o.Size != int64(len(o.Key)) || o.LastModified.IsZero() {
					t.Errorf("List(%q) object %+v, want size %d and a time", tt.prefix, o, len(o.Key))
				}
			}
		})
	}
}

func testListPages(t *testing.T, b store.Backend) {
	ctx := context.Background()
	var want []string
	for i := range PageKeys {
		want = append(want, fmt.Sprintf("page/%d/%x.json", i%7, i))
	}
	// Keys just outside the prefix on both sides.
	put(t, b, "pagd", nil, store.PutOptions{})
	put(t, b, "pagf/x", nil, store.PutOptions{})
	work := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 8 {
		wg.Go(func() {
			for k := range work {
				if _, err := b.Put(ctx, k, strings.NewReader(k), int64(len(k)), store.PutOptions{WriteOnce: true}); err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, k := range want {
		work <- k
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("Put: %v", firstErr)
	}
	slices.Sort(want)
	got := keys(list(t, b, "page/"))
	if len(got) != len(want) {
		t.Fatalf("List(%q) returned %d keys, want %d", "page/", len(got), len(want))
	}
	if !slices.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("List(%q)[%d] = %q, want %q", "page/", i, got[i], want[i])
			}
		}
	}
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func testListStopsEarly(t *testing.T, b store.Backend) {
	for i := range 20 {
		put(t, b, fmt.Sprintf("stop/%02d", i), nil, store.PutOptions{})
	}
	n := 0
	for _, err := range b.List(context.Background(), "stop/") {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 5 {
			break
		}
	}
	if n != 5 {
		t.Fatalf("ranged over %d objects, want to stop at 5", n)
	}
	// The store still works after an abandoned listing.
	if got := list(t, b, "stop/"); len(got) != 20 {
		t.Fatalf("List after an early stop = %d objects, want 20", len(got))
	}
}

func testMissing(t *testing.T, b store.Backend) {
	ctx := context.Background()
	put(t, b, "present", []byte("x"), store.PutOptions{})
	for _, key := range []string{"missing", "present/child", "presen"} {
		if _, _, err := b.Get(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(%q) = %v, want ErrNotFound", key, err)
		}
		if _, err := b.Stat(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Stat(%q) = %v, want ErrNotFound", key, err)
		}
		if err := b.Delete(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Delete(%q) = %v, want ErrNotFound", key, err)
		}
	}
	state, err := b.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if state.ObjectLock {
		if err := b.SetLegalHold(ctx, "missing", true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetLegalHold(%q) = %v, want ErrNotFound", "missing", err)
		}
	}
	if objs := list(t, b, "missing"); len(objs) != 0 {
		t.Errorf("List(%q) = %q, want nothing", "missing", keys(objs))
	}
}

func testDeleteAllVersions(t *testing.T, b store.Backend) {
	ctx := context.Background()
	put(t, b, "del/k", []byte("v1"), store.PutOptions{})
	put(t, b, "del/k", []byte("v2"), store.PutOptions{})
	put(t, b, "del/k2", []byte("other"), store.PutOptions{})
	v, versioned := b.(Versioner)
	if versioned {
		state, err := b.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := v.Versions(ctx, "del/k")
		if err != nil {
			t.Fatal(err)
		}
		if state.Versioning == store.VersioningEnabled && len(vs) != 2 {
			t.Fatalf("Versions(%q) before Delete = %d versions, want 2", "del/k", len(vs))
		}
	}
	if err := b.Delete(ctx, "del/k"); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	if _, err := b.Stat(ctx, "del/k"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Stat after Delete = %v, want ErrNotFound", err)
	}
	if got := keys(list(t, b, "del/")); !slices.Equal(got, []string{"del/k2"}) {
		t.Errorf("List after Delete = %q, want only del/k2", got)
	}
	if versioned {
		vs, err := v.Versions(ctx, "del/k")
		if err != nil || len(vs) != 0 {
			t.Errorf("Versions(%q) after Delete = %+v, %v; want none", "del/k", vs, err)
		}
	}
	if err := b.Delete(ctx, "del/k"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
	// The key is free again, even for a write-once Put.
	put(t, b, "del/k", []byte("v3"), store.PutOptions{WriteOnce: true})
	if got, _ := get(t, b, "del/k"); string(got) != "v3" {
		t.Errorf("Get after Delete and Put = %q, want v3", got)
	}
}

func testLegalHold(t *testing.T, b store.Backend) {
	ctx := context.Background()
	state, err := b.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	put(t, b, "hold/k", []byte("evidence"), store.PutOptions{WriteOnce: true})
	if !state.ObjectLock {
		// Without object lock a hold cannot be enforced: the backend must
		// say so rather than pretend.
		if err := b.SetLegalHold(ctx, "hold/k", true); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("SetLegalHold without object lock = %v, want errors.ErrUnsupported", err)
		}
		if _, err := b.Put(ctx, "hold/new", strings.NewReader("x"), 1, store.PutOptions{LegalHold: true}); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Put with LegalHold without object lock = %v, want errors.ErrUnsupported", err)
		}
		return
	}
	if err := b.SetLegalHold(ctx, "hold/k", true); err != nil {
		t.Fatalf("SetLegalHold(on) = %v", err)
	}
	err = b.Delete(ctx, "hold/k")
	if !errors.Is(err, store.ErrLegalHold) || !strings.Contains(err.Error(), "hold/k") {
		t.Fatalf("Delete of a held object = %v, want ErrLegalHold naming the key", err)
	}
	if got, _ := get(t, b, "hold/k"); string(got) != "evidence" {
		t.Fatalf("Get after refused Delete = %q, want the evidence intact", got)
	}
	if err := b.SetLegalHold(ctx, "hold/k", false); err != nil {
		t.Fatalf("SetLegalHold(off) = %v", err)
	}
	if err := b.Delete(ctx, "hold/k"); err != nil {
		t.Fatalf("Delete after lifting the hold = %v", err)
	}
	// A hold placed at Put time holds too.
	put(t, b, "hold/at-put", []byte("x"), store.PutOptions{LegalHold: true, WriteOnce: true})
	if err := b.Delete(ctx, "hold/at-put"); !errors.Is(err, store.ErrLegalHold) {
		t.Fatalf("Delete of an object put with LegalHold = %v, want ErrLegalHold", err)
	}
	if err := b.SetLegalHold(ctx, "hold/at-put", false); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "hold/at-put"); err != nil {
		t.Fatalf("Delete after lifting the hold = %v", err)
	}
	// Governance retention does not stop Delete: decommissioning must work.
	put(t, b, "hold/retained", []byte("x"), store.PutOptions{WriteOnce: true, Retain: time.Now().Add(24 * time.Hour)})
	if err := b.Delete(ctx, "hold/retained"); err != nil {
		t.Fatalf("Delete of an object under governance retention = %v", err)
	}
}

// endless yields bytes forever, cancelling ctx after its first read.
type endless struct {
	cancel func()
	n      int
}

// Read implements io.Reader.
func (e *endless) Read(p []byte) (int, error) {
	e.n++
	if e.n == 2 {
		e.cancel()
	}
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func testCancel(t *testing.T, b store.Backend) {
	put(t, b, "c/k", []byte("x"), store.PutOptions{})
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Put(done, "c/new", strings.NewReader("x"), 1, store.PutOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context = %v, want context.Canceled", err)
	}
	if _, _, err := b.Get(done, "c/k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := b.Stat(done, "c/k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Stat with a cancelled context = %v, want context.Canceled", err)
	}
	if err := b.Delete(done, "c/k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete with a cancelled context = %v, want context.Canceled", err)
	}
	var err error
	for _, err = range b.List(done, "c/") {
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("List with a cancelled context = %v, want context.Canceled", err)
	}
	// Cancelled in the middle of an endless upload, Put returns and stores
	// nothing.
	for _, size := range []int64{-1, 1 << 30} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := b.Put(ctx, "c/endless", &endless{cancel: cancel}, size, store.PutOptions{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Put(size %d) cancelled mid-stream = %v, want context.Canceled", size, err)
		}
		if _, err := b.Stat(context.Background(), "c/endless"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Stat after a cancelled Put = %v, want ErrNotFound", err)
		}
	}
	if _, err := b.Stat(context.Background(), "c/k"); err != nil {
		t.Errorf("Stat after cancelled calls = %v, want the object intact", err)
	}
}

func testCheck(t *testing.T, b store.Backend) {
	state, err := b.Check(context.Background())
	if err != nil {
		t.Fatalf("Check = %v", err)
	}
	if !state.Exists || state.Public || state.Usable() != nil {
		t.Errorf("Check = %+v, want an existing, private, usable store", state)
	}
	switch state.Versioning {
	case store.VersioningEnabled, store.VersioningSuspended, store.VersioningOff:
	default:
		t.Errorf("Check().Versioning = %q, want enabled, suspended or off", state.Versioning)
	}
}
