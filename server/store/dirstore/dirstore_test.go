package dirstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/internal/storetest"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend { return newStore(t) })
}

func TestGetDetectsCorruption(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		corrupt func(t *testing.T, path string)
	}{
		{"flipped byte", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			b := make([]byte, 1)
			if _, err := f.ReadAt(b, headerSize+3); err != nil {
				t.Fatal(err)
			}
			b[0] ^= 0x01
			if _, err := f.WriteAt(b, headerSize+3); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated", func(t *testing.T, path string) {
			if err := os.Truncate(path, headerSize+4); err != nil {
				t.Fatal(err)
			}
		}},
		{"appended", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("tail"); err != nil {
				t.Fatal(err)
			}
		}},
		{"header", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte("XXXXXXXXXXXXXXXX"), 10); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			data := []byte("facts of the host, as collected")
			if _, err := s.Put(ctx, "facts/k.json", bytes.NewReader(data), int64(len(data)), store.PutOptions{WriteOnce: true}); err != nil {
				t.Fatal(err)
			}
			tt.corrupt(t, filepath.Join(s.Dir(), "objects", "facts", "k.json~"))
			rc, _, err := s.Get(ctx, "facts/k.json")
			if err == nil {
				_, err = io.ReadAll(rc)
				rc.Close()
			}
			if !errors.Is(err, store.ErrChecksum) {
				t.Fatalf("Get of a corrupted object = %v, want ErrChecksum", err)
			}
		})
	}
}

func TestPlainPutNeverOverwritesEvidence(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		opts store.PutOptions
		want error
	}{
		{"write-once", store.PutOptions{WriteOnce: true}, store.ErrExists},
		{"retained", store.PutOptions{Retain: time.Now().Add(time.Hour)}, store.ErrExists},
		{"held", store.PutOptions{LegalHold: true}, store.ErrLegalHold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			if _, err := s.Put(ctx, "k", strings.NewReader("evidence"), 8, tt.opts); err != nil {
				t.Fatal(err)
			}
			_, err := s.Put(ctx, "k", strings.NewReader("forgery"), 7, store.PutOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("plain Put over a %s object = %v, want %v", tt.name, err, tt.want)
			}
			rc, _, err := s.Get(ctx, "k")
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if got, err := io.ReadAll(rc); err != nil || string(got) != "evidence" {
				t.Fatalf("Get after refused overwrite = %q, %v; want %q", got, err, "evidence")
			}
		})
	}
	// Once retention has passed, the object may be replaced.
	s := newStore(t)
	if _, err := s.Put(ctx, "k", strings.NewReader("old"), 3, store.PutOptions{Retain: time.Now().Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "k", strings.NewReader("new"), 3, store.PutOptions{}); err != nil {
		t.Fatalf("Put over an object whose retention has passed = %v", err)
	}
}

func TestWriteOnceHoldNotLeftBehind(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Put(ctx, "k", strings.NewReader("a"), 1, store.PutOptions{WriteOnce: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "k", strings.NewReader("b"), 1, store.PutOptions{WriteOnce: true, LegalHold: true}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("write-once Put with hold over an existing key = %v, want ErrExists", err)
	}
	if err := s.Delete(ctx, "k"); err != nil {
		t.Fatalf("Delete after a refused held Put = %v, want the failed Put to leave no hold", err)
	}
}

func TestLayout(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, k := range []string{"facts/2026-11-20T1200Z/h_01/r.json", "a/b", "a/b/c", "x/con.json", "x/dot."} {
		if _, err := s.Put(ctx, k, strings.NewReader(k), int64(len(k)), store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, rel := range []string{
		"dirstore.json",
		"objects/facts/2026-11-20%541200%5A/h_01/r.json~",
		"objects/a/b~",
		"objects/a/b/c~",
		"objects/x/%63on.json~",
		"objects/x/dot%2E~",
	} {
		if _, err := os.Stat(filepath.Join(s.Dir(), filepath.FromSlash(rel))); err != nil {
			t.Errorf("expected %s in the store: %v", rel, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(s.Dir(), "tmp"))
	if err != nil || len(entries) != 0 {
		t.Errorf("tmp/ after Puts = %v, %v; want empty", entries, err)
	}
	// Delete removes the emptied directories.
	if err := s.Delete(ctx, "facts/2026-11-20T1200Z/h_01/r.json"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "objects", "facts")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("objects/facts after deleting its only object: %v, want removed", err)
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ seg, want string }{
		{"plain-name_1.json", "plain-name_1.json"},
		{"Upper", "%55pper"},
		{"a b", "a%20b"},
		{"tilde~", "tilde%7E"},
		{"100%", "100%25"},
		{"é", "%C3%A9"},
		{"con", "%63on"},
		{"nul.txt", "%6Eul.txt"},
		{"com1", "%63om1"},
		{"console", "console"},
		{"trailing.", "trailing%2E"},
		{".hidden", ".hidden"},
		{"..x", "..x"},
	}
	for _, tt := range tests {
		if got := escape(tt.seg); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.seg, got, tt.want)
		}
		if back, ok := unescape(tt.want); !ok || back != tt.seg {
			t.Errorf("unescape(%q) = %q, %v; want %q", tt.want, back, ok, tt.seg)
		}
	}
	for _, bad := range []string{"%61", "%2", "%zz", "A", "x~", "con", "", "%7e"} {
		if seg, ok := unescape(bad); ok {
			t.Errorf("unescape(%q) = %q, true; want it rejected as not canonical", bad, seg)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"a", "Con", "x.", "~", "%", "é", "a/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		if seg == "" {
			return
		}
		name := escape(seg)
		if !portable(name) {
			t.Fatalf("escape(%q) = %q is not made of a-z, 0-9, \"-_.\" and %%XX escapes", seg, name)
		}
		if strings.HasSuffix(name, ".") {
			t.Fatalf("escape(%q) = %q ends in a dot", seg, name)
		}
		back, ok := unescape(name)
		if !ok || back != seg {
			t.Fatalf("unescape(escape(%q)) = %q, %v", seg, back, ok)
		}
	})
}

// portable reports whether name has only the bytes escape may emit: a-z,
// 0-9, "-", "_", "." and "%" followed by two upper-case hex digits.
func portable(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case literal(c):
		case c == '%' && i+2 < len(name) && strings.IndexByte("0123456789ABCDEF", name[i+1]) >= 0 && strings.IndexByte("0123456789ABCDEF", name[i+2]) >= 0:
			i += 2
		default:
			return false
		}
	}
	return true
}

func TestLongSegment(t *testing.T) {
	s := newStore(t)
	key := "a/" + strings.Repeat("Z", 100) // 300 bytes once escaped
	if _, err := s.Put(context.Background(), key, strings.NewReader("x"), 1, store.PutOptions{}); !errors.Is(err, store.ErrInvalidKey) {
		t.Fatalf("Put of a key whose escaped segment is too long = %v, want ErrInvalidKey", err)
	}
}

func TestOpenRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "not a directory store") {
		t.Fatalf("Open of a non-empty foreign directory = %v, want refusal", err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, markerName), []byte(`{"format":"auditfleet-dirstore","version":9}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(other); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Fatalf("Open of a store of another version = %v, want refusal naming the version", err)
	}
	// Reopening a store works and keeps its objects.
	s := newStore(t)
	if _, err := s.Put(context.Background(), "k", strings.NewReader("v"), 1, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	again, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Stat(context.Background(), "k"); err != nil {
		t.Fatalf("Stat after reopening = %v", err)
	}
}

func TestCheckWorldAccess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows access is by ACL, which the directory store does not inspect")
	}
	ctx := context.Background()
	tests := []struct {
		name   string
		dir    string // relative to the root
		mode   os.FileMode
		public bool
	}{
		{"private root", ".", 0o700, false},
		{"group may read", ".", 0o750, false},
		{"others may read root", ".", 0o704, true},
		{"others may write root", ".", 0o702, true},
		{"others may search root", ".", 0o701, true},
		{"others may read objects", "objects", 0o705, true},
		{"others may read holds", "holds", 0o744, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			if err := os.Chmod(filepath.Join(s.Dir(), tt.dir), tt.mode); err != nil {
				t.Fatal(err)
			}
			state, err := s.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if state.Public != tt.public {
				t.Fatalf("Check with %s at %#o = %+v, want public %v", tt.dir, tt.mode, state, tt.public)
			}
			if tt.public && !errors.Is(state.Usable(), store.ErrPublicBucket) {
				t.Errorf("Usable() = %v, want ErrPublicBucket", state.Usable())
			}
		})
	}
}

func TestCheckMissing(t *testing.T) {
	s := newStore(t)
	if err := os.RemoveAll(s.Dir()); err != nil {
		t.Fatal(err)
	}
	state, err := s.Check(context.Background())
	if err != nil || state.Exists || !errors.Is(state.Usable(), store.ErrNotFound) {
		t.Fatalf("Check of a removed store = %+v, %v; want it missing", state, err)
	}
}

func TestListSkipsStrayFiles(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Put(ctx, "a/k", strings.NewReader("v"), 1, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, stray := range []string{"a/README", "a/UPPER~", "a/%61~", "a/short~"} {
		if err := os.WriteFile(filepath.Join(s.Dir(), "objects", filepath.FromSlash(stray)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for obj, err := range s.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, obj.Key)
	}
	if len(got) != 1 || got[0] != "a/k" {
		t.Fatalf("List with stray files = %q, want only a/k", got)
	}
}
