package journal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

func TestLZ4Block(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		n    int
		want string
		err  bool
	}{
		{"literals only", []byte{0x50, 'h', 'e', 'l', 'l', 'o'}, 5, "hello", false},
		// "ab" then a match at offset 2 of length 4+2, then literal "c".
		{"match", []byte{0x22, 'a', 'b', 2, 0, 0x10, 'c'}, 9, "abababab" + "c", false},
		{"long literal", append([]byte{0xf0, 5}, bytes.Repeat([]byte{'x'}, 20)...), 20, string(bytes.Repeat([]byte{'x'}, 20)), false},
		{"offset zero", []byte{0x12, 'a', 0, 0, 0x10, 'c'}, 10, "", true},
		{"offset too far", []byte{0x12, 'a', 9, 0, 0x10, 'c'}, 10, "", true},
		{"literal past input", []byte{0x50, 'h'}, 5, "", true},
		{"wrong size", []byte{0x50, 'h', 'e', 'l', 'l', 'o'}, 6, "", true},
		{"match past limit", []byte{0x2f, 'a', 'b', 1, 0, 255, 255, 0}, 100, "", true},
		{"truncated offset", []byte{0x22, 'a', 'b', 2}, 8, "", true},
	}
	for _, tt := range tests {
		got, err := lz4Block(tt.src, tt.n, nil)
		if (err != nil) != tt.err || string(got) != tt.want {
			t.Errorf("lz4Block(%s) = %q, %v; want %q, error %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestDecompressLimits(t *testing.T) {
	big := binary.LittleEndian.AppendUint64(nil, 1<<40)
	if _, err := decompress(flagLZ4, big, 1024, nil); !errors.Is(err, errTooLarge) {
		t.Errorf("decompress(lz4 claiming 1 TiB) = %v, want errTooLarge", err)
	}
	if _, err := decompress(flagZstd, []byte("not zstd at all"), 1024, nil); err == nil {
		t.Error("decompress(bad zstd): no error")
	}
	if _, err := decompress(flagXZ, []byte{1}, 1024, nil); err == nil {
		t.Error("decompress(xz): no error")
	}
}

func FuzzLZ4Block(f *testing.F) {
	f.Add([]byte{0x22, 'a', 'b', 2, 0, 0x10, 'c'}, 9)
	f.Add([]byte{0xff, 255, 255, 1, 0, 255}, 1000)
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		out, err := lz4Block(src, n, nil)
		if err == nil && len(out) != n {
			t.Fatalf("lz4Block = %d bytes, want %d", len(out), n)
		}
	})
}
