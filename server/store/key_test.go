package store

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"facts/2026-11-20T1200Z/h_0123456789abcdef0123/9f0c.json", true},
		{"a", true},
		{"a/b/c", true},
		{".hidden/..x/x..", true},
		{"unicode/ünïcødé", true},
		{strings.Repeat("a", MaxKeyLen), true},
		{"", false},
		{strings.Repeat("a", MaxKeyLen+1), false},
		{strings.Repeat("a", 2048), false},
		{"../x", false},
		{"a/../../b", false},
		{"a/..", false},
		{"/abs", false},
		{"a//b", false},
		{"a/", false},
		{"a/./b", false},
		{".", false},
		{`a\b`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\x7fb", false},
		{"a\u0085b", false},   // C1 control
		{"a\u202eb", false},   // right-to-left override
		{"a\u200bb", false},   // zero-width space
		{"a\xffb", false},     // invalid UTF-8
		{"a\xc0\xafb", false}, // overlong "/"
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			err := ValidKey(tt.key)
			if got := err == nil; got != tt.want {
				t.Fatalf("ValidKey(%q) = %v, want valid %v", tt.key, err, tt.want)
			}
			if err != nil && !errors.Is(err, ErrInvalidKey) {
				t.Errorf("ValidKey(%q) = %v, want it to wrap ErrInvalidKey", tt.key, err)
			}
		})
	}
}

func TestValidPrefix(t *testing.T) {
	tests := []struct {
		prefix string
		want   bool
	}{
		{"", true},
		{"facts/", true},
		{"facts/2026", true},
		{"a/.", true},  // partial last segment: a prefix of "a/.x"
		{"a/..", true}, // a prefix of "a/..x"
		{"../", false},
		{"a//", false},
		{"/", false},
		{"/a", false},
		{"a/./", false},
		{`a\`, false},
		{"a\x00", false},
		{"\xff", false},
		{strings.Repeat("a", MaxKeyLen+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			err := ValidPrefix(tt.prefix)
			if got := err == nil; got != tt.want {
				t.Fatalf("ValidPrefix(%q) = %v, want valid %v", tt.prefix, err, tt.want)
			}
			if err != nil && !errors.Is(err, ErrInvalidKey) {
				t.Errorf("ValidPrefix(%q) = %v, want it to wrap ErrInvalidKey", tt.prefix, err)
			}
		})
	}
}

func TestValidKeyErrorNamesProblem(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"a//b", "empty segment"},
		{"a/../b", `".." segment`},
		{"a\x00", "U+0000"},
		{strings.Repeat("k", 2048), "2048 bytes"},
	}
	for _, tt := range tests {
		err := ValidKey(tt.key)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ValidKey(%.20q) = %v, want an error mentioning %q", tt.key, err, tt.want)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("ValidKey(%.20q) error is %d bytes long, want the key shortened", tt.key, len(err.Error()))
		}
	}
}

func FuzzValidKey(f *testing.F) {
	for _, s := range []string{"a/b", "../x", "a//b", "a\\b", "a/./b", "\x00", "facts/c/h/r.json"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if ValidKey(key) != nil {
			return
		}
		if ValidPrefix(key) != nil {
			t.Fatalf("ValidKey(%q) ok but ValidPrefix rejects it", key)
		}
		if !utf8.ValidString(key) || len(key) > MaxKeyLen || strings.HasPrefix(key, "/") || strings.Contains(key, `\`) {
			t.Fatalf("ValidKey(%q) = nil for a key it must reject", key)
		}
		for _, seg := range strings.Split(key, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("ValidKey(%q) = nil with segment %q", key, seg)
			}
		}
	})
}

func TestBucketStateUsable(t *testing.T) {
	tests := []struct {
		name  string
		state BucketState
		want  error
	}{
		{"fine", BucketState{Name: "b", Exists: true, Versioning: VersioningEnabled}, nil},
		{"missing", BucketState{Name: "b"}, ErrNotFound},
		{"public", BucketState{Name: "b", Exists: true, Public: true, PublicReason: "statement 0"}, ErrPublicBucket},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.state.Usable()
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("%+v.Usable() = %v, want %v", tt.state, err, tt.want)
			}
		})
	}
	if w := (BucketState{Name: "b", Exists: true, Versioning: VersioningOff}).Warnings(); len(w) != 1 {
		t.Errorf("Warnings() of an unversioned bucket without lock = %q, want one warning", w)
	}
	if w := (BucketState{Name: "b", Exists: true, Versioning: VersioningOff, ObjectLock: true}).Warnings(); len(w) != 0 {
		t.Errorf("Warnings() of a locked bucket = %q, want none", w)
	}
}
