package tamper

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Store changes objects under a backend's feet.
type Store interface {
	// Rewrite replaces the bytes stored under key with b and fixes the
	// stored checksum to match them.
	Rewrite(ctx context.Context, key string, b []byte) error
	// Rot changes the bytes stored under key without fixing the stored
	// checksum (or, where the checksum cannot be left stale, drops it).
	Rot(ctx context.Context, key string) error
}

// Dir tampers with the directory store rooted at root, editing its object
// files in place (see package dirstore for their format).
func Dir(root string) Store { return dir{root: root} }

type dir struct{ root string }

// dirHeaderSize and dirMagic mirror the directory store's object header.
const (
	dirHeaderSize = 1024
	dirMagic      = "AFDS1\n"
)

// file finds the object file of key: keys built by objkey escape only
// upper case letters, so a file whose path matches the key once those are
// set aside is it.
func (d dir) file(key string) (string, error) {
	want := strings.Split(key, "/")
	var found string
	err := filepath.WalkDir(filepath.Join(d.root, "objects"), func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || found != "" {
			return err
		}
		rel, err := filepath.Rel(filepath.Join(d.root, "objects"), path)
		if err != nil {
			return err
		}
		got := strings.Split(filepath.ToSlash(strings.TrimSuffix(rel, "~")), "/")
		if len(got) != len(want) {
			return nil
		}
		for i := range got {
			if unescape(got[i]) != want[i] {
				return nil
			}
		}
		found = path
		return nil
	})
	if err == nil && found == "" {
		err = fmt.Errorf("tamper: no object file for %s under %s", key, d.root)
	}
	return found, err
}

// unescape undoes the directory store's %XX escapes.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := hex.DecodeString(s[i+1 : i+3]); err == nil {
				b.WriteByte(v[0])
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (d dir) Rewrite(_ context.Context, key string, b []byte) error {
	path, err := d.file(key)
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("tamper: %w", err)
	}
	if len(old) < dirHeaderSize || !bytes.HasPrefix(old, []byte(dirMagic)) {
		return fmt.Errorf("tamper: %s has no object header", path)
	}
	line, _, _ := bytes.Cut(old[len(dirMagic):dirHeaderSize], []byte{'\n'})
	var h map[string]any
	if err := json.Unmarshal(line, &h); err != nil {
		return fmt.Errorf("tamper: header of %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	h["sha256"], h["size"] = hex.EncodeToString(sum[:]), len(b)
	j, err := json.Marshal(h)
	if err != nil {
		return err
	}
	hdr := append([]byte(dirMagic), j...)
	hdr = append(hdr, '\n')
	if len(hdr) > dirHeaderSize {
		return errors.New("tamper: header too long")
	}
	hdr = append(hdr, bytes.Repeat([]byte{' '}, dirHeaderSize-len(hdr))...)
	return os.WriteFile(path, append(hdr, b...), 0o600)
}

func (d dir) Rot(_ context.Context, key string) error {
	path, err := d.file(key)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("tamper: %w", err)
	}
	if len(b) <= dirHeaderSize {
		return fmt.Errorf("tamper: %s has no bytes to damage", path)
	}
	b[len(b)-2] ^= 0x20
	return os.WriteFile(path, b, 0o600)
}

// S3 tampers with a bucket through its own client with the given
// credentials, overwriting objects with plain PUTs (a new version where
// the bucket keeps versions).
func S3(endpoint, accessKey, secretKey, bucket string) (Store, error) {
	c, err := minio.New(endpoint, &minio.Options{
		Creds:           credentials.NewStaticV4(accessKey, secretKey, ""),
		BucketLookup:    minio.BucketLookupPath,
		TrailingHeaders: true,
	})
	if err != nil {
		return nil, fmt.Errorf("tamper: %w", err)
	}
	return s3{client: c, bucket: bucket}, nil
}

type s3 struct {
	client *minio.Client
	bucket string
}

func (s s3) Rewrite(ctx context.Context, key string, b []byte) error {
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{
		ContentType: "application/json", Checksum: minio.ChecksumSHA256, DisableMultipart: true,
	})
	if err != nil {
		return fmt.Errorf("tamper: overwrite %s: %w", key, err)
	}
	return nil
}

// Rot overwrites the object with damaged bytes and no SHA-256: S3 checks
// a checksum sent with a PUT, so a stale one cannot be stored.
func (s s3) Rot(ctx context.Context, key string) error {
	o, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return fmt.Errorf("tamper: %w", err)
	}
	var buf bytes.Buffer
	_, err = buf.ReadFrom(o)
	o.Close()
	if err != nil {
		return fmt.Errorf("tamper: read %s: %w", key, err)
	}
	b := buf.Bytes()
	if len(b) < 2 {
		return fmt.Errorf("tamper: %s has no bytes to damage", key)
	}
	b[len(b)-2] ^= 0x20
	if _, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
		return fmt.Errorf("tamper: overwrite %s: %w", key, err)
	}
	return nil
}
