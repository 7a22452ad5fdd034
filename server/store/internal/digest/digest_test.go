package digest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/auditfleet/auditfleet/server/store"
)

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestReader(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		size    int64
		wantErr error
	}{
		{"exact", "hello", 5, nil},
		{"empty", "", 0, nil},
		{"unknown size", "hello", -1, nil},
		{"short", "hell", 5, ErrSize},
		{"long", "hello!", 5, ErrSize},
		{"long from empty", "x", 0, ErrSize},
	}
	for _, tt := range tests {
		for _, wrap := range []struct {
			name string
			f    func(io.Reader) io.Reader
		}{{"plain", func(r io.Reader) io.Reader { return r }}, {"one byte", iotest.OneByteReader}, {"data+EOF", iotest.DataErrReader}} {
			t.Run(tt.name+"/"+wrap.name, func(t *testing.T) {
				r := NewReader(context.Background(), wrap.f(strings.NewReader(tt.data)), tt.size)
				got, err := io.ReadAll(r)
				if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
					t.Fatalf("ReadAll(NewReader(%q, %d)) error = %v, want %v", tt.data, tt.size, err, tt.wantErr)
				}
				if tt.wantErr != nil {
					return
				}
				if string(got) != tt.data || r.N() != int64(len(tt.data)) || r.Sum() != sum(tt.data) {
					t.Errorf("NewReader(%q, %d) read %q, N %d, Sum %s; want the data and its sha256", tt.data, tt.size, got, r.N(), r.Sum())
				}
			})
		}
	}
}

// TestReaderFailsOnLastRead checks that a reader longer than its size fails
// in the Read that delivers the last declared byte, for uploaders that
// stop reading once they have size bytes.
func TestReaderFailsOnLastRead(t *testing.T) {
	r := NewReader(context.Background(), strings.NewReader("abcdef"), 3)
	buf := make([]byte, 3)
	n, err := r.Read(buf)
	if n != 3 || !errors.Is(err, ErrSize) {
		t.Fatalf("Read = %d, %v; want 3, ErrSize", n, err)
	}
}

func TestReaderStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := io.ReadAll(NewReader(ctx, strings.NewReader("abc"), 3))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadAll with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name, data, want string
		size             int64
		ok               bool
	}{
		{"good", "hello", sum("hello"), 5, true},
		{"empty", "", sum(""), 0, true},
		{"corrupt", "hellO", sum("hello"), 5, false},
		{"truncated", "hell", sum("hello"), 5, false},
		{"longer", "hello!", sum("hello"), 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(Verify(io.NopCloser(strings.NewReader(tt.data)), "k", tt.want, tt.size))
			if tt.ok && (err != nil || string(got) != tt.data) {
				t.Fatalf("ReadAll(Verify(%q)) = %q, %v; want the data, nil", tt.data, got, err)
			}
			if !tt.ok && !errors.Is(err, store.ErrChecksum) {
				t.Fatalf("ReadAll(Verify(%q)) error = %v, want ErrChecksum", tt.data, err)
			}
		})
	}
}

func TestBase64RoundTrip(t *testing.T) {
	h := sum("x")
	b, err := HexToBase64(h)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Base64ToHex(b)
	if err != nil || back != h {
		t.Fatalf("Base64ToHex(HexToBase64(%s)) = %s, %v", h, back, err)
	}
	for _, bad := range []string{"", "zz", hex.EncodeToString(bytes.Repeat([]byte{1}, 31))} {
		if _, err := HexToBase64(bad); err == nil {
			t.Errorf("HexToBase64(%q) = nil error, want one", bad)
		}
		if _, err := Base64ToHex(bad); err == nil {
			t.Errorf("Base64ToHex(%q) = nil error, want one", bad)
		}
	}
}
