package dirstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/internal/digest"
)

// Format and FormatVersion identify a directory store in its marker file.
const (
	Format        = "auditfleet-dirstore"
	FormatVersion = 1
)

const (
	markerName = "dirstore.json"
	dirMode    = 0o700
	fileMode   = 0o600
	// staleTemp is the age after which Open removes a temporary file left
	// by a crashed writer.
	staleTemp = 24 * time.Hour
)

// Store is a directory store. Its methods are safe for concurrent use, also
// by several processes sharing the directory.
type Store struct {
	root    string
	objects string
	holds   string
	tmp     string
	// locks serialise, per key, the checks a plain or conditional Put,
	// Delete and SetLegalHold make before they change anything: a mutex
	// within this process and a file lock (locks/<n>) across processes.
	// Write-once Puts need no lock: link is atomic.
	locks   [lockStripes]sync.Mutex
	lockDir string
}

// lockStripes is the number of lock files keys are spread over.
const lockStripes = 64

type marker struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// Open opens the directory store at dir, creating it (mode 0700) if it does
// not exist. It refuses a non-empty directory that is not a directory
// store, and one of another format version.
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open directory store %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, dirMode); err != nil {
		return nil, fmt.Errorf("open directory store: %w", err)
	}
	if err := ensureMarker(abs); err != nil {
		return nil, fmt.Errorf("open directory store %s: %w", abs, err)
	}
	s := &Store{
		root:    abs,
		objects: filepath.Join(abs, "objects"),
		holds:   filepath.Join(abs, "holds"),
		tmp:     filepath.Join(abs, "tmp"),
		lockDir: filepath.Join(abs, "locks"),
	}
	for _, d := range []string{s.objects, s.holds, s.tmp, s.lockDir} {
		if err := os.MkdirAll(d, dirMode); err != nil {
			return nil, fmt.Errorf("open directory store: %w", err)
		}
	}
	s.removeStaleTemp()
	return s, nil
}

func ensureMarker(root string) error {
	path := filepath.Join(root, markerName)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		entries, err := os.ReadDir(root)
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			return fmt.Errorf("directory is not empty and has no %s: not a directory store", markerName)
		}
		b, err = json.Marshal(marker{Format, FormatVersion})
		if err != nil {
			return err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
		if errors.Is(err, fs.ErrExist) { // another process created it meanwhile
			return ensureMarker(root)
		}
		if err != nil {
			return err
		}
		_, err = f.Write(append(b, '\n'))
		return errors.Join(err, f.Sync(), f.Close())
	}
	if err != nil {
		return err
	}
	var m marker
	if err := json.Unmarshal(b, &m); err != nil || m.Format != Format {
		return fmt.Errorf("%s: not a directory store marker", markerName)
	}
	if m.Version != FormatVersion {
		return fmt.Errorf("%s: format version %d, this program reads version %d", markerName, m.Version, FormatVersion)
	}
	return nil
}

// removeStaleTemp removes temporary files of writers that crashed.
func (s *Store) removeStaleTemp() {
	entries, err := os.ReadDir(s.tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(s.tmp, e.Name()))
		}
	}
}

// Dir returns the store's root directory.
func (s *Store) Dir() string { return s.root }

// lock takes key's lock, in this process and across processes, and
// returns the function that releases it.
func (s *Store) lock(key string) (unlock func(), err error) {
	h := fnv.New32a()
	h.Write([]byte(key))
	n := h.Sum32() % lockStripes
	m := &s.locks[n]
	m.Lock()
	f, err := os.OpenFile(filepath.Join(s.lockDir, fmt.Sprintf("%02d", n)), os.O_RDWR|os.O_CREATE, fileMode)
	if err == nil {
		if err = flock(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		m.Unlock()
		return nil, fmt.Errorf("lock %s: %w", key, err)
	}
	return func() {
		_ = unflock(f)
		f.Close()
		m.Unlock()
	}, nil
}

// paths validates key and returns its object file and hold marker paths.
func (s *Store) paths(ctx context.Context, key string) (obj, hold string, err error) {
	if err := store.ValidKey(key); err != nil {
		return "", "", err
	}
	rel, err := relPath(key)
	if err != nil {
		return "", "", err
	}
	if err := ctx.Err(); err != nil {
		return "", "", err
	}
	return filepath.Join(s.objects, rel), filepath.Join(s.holds, rel), nil
}

// Put stores the size bytes of r (size -1: until EOF) under key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error) {
	obj, err := s.put(ctx, key, r, size, opts)
	if err != nil {
		return store.Object{}, fmt.Errorf("put %s: %w", key, err)
	}
	return obj, nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (obj store.Object, err error) {
	path, holdPath, err := s.paths(ctx, key)
	if err != nil {
		return store.Object{}, err
	}
	ct := opts.ContentType
	if ct == "" {
		ct = store.DefaultContentType
	}
	if err := validContentType(ct); err != nil {
		return store.Object{}, err
	}
	tmp, h, err := s.writeTemp(ctx, key, r, size, ct, opts)
	if err != nil {
		return store.Object{}, err
	}
	defer os.Remove(tmp)    // after a link or a failure; a no-op after a rename
	fi, err := os.Stat(tmp) // the object's file itself, before another writer can replace it
	if err != nil {
		return store.Object{}, err
	}
	if opts.WriteOnce || opts.IfAbsent {
		err = s.linkOnce(key, path, holdPath, tmp, opts.LegalHold)
	} else {
		err = s.overwrite(ctx, key, path, holdPath, tmp, opts)
	}
	if err != nil {
		return store.Object{}, err
	}
	return store.Object{Key: key, Size: h.Size, SHA256: h.SHA256, ContentType: ct, LastModified: fi.ModTime().UTC(), ETag: h.etag()}, nil
}

// newRev returns a new random revision for an object's header.
func newRev() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeTemp writes the header and bytes to a new temporary file, hashing
// them, syncs it and reads it back to verify it, and returns its path and
// header.
func (s *Store) writeTemp(ctx context.Context, key string, r io.Reader, size int64, ct string, opts store.PutOptions) (path string, h header, err error) {
	f, err := os.CreateTemp(s.tmp, "put-*")
	if err != nil {
		return "", header{}, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(make([]byte, headerSize)); err != nil {
		return "", header{}, err
	}
	d := digest.NewReader(ctx, r, size)
	if _, err := io.Copy(f, d); err != nil {
		return "", header{}, err
	}
	h = header{SHA256: d.Sum(), Size: d.N(), ContentType: ct, WriteOnce: opts.WriteOnce, Rev: newRev()}
	if !opts.Retain.IsZero() {
		h.RetainUntil = opts.Retain.UTC()
	}
	hb, err := h.encode()
	if err != nil {
		return "", header{}, err
	}
	if _, err := f.WriteAt(hb, 0); err != nil {
		return "", header{}, err
	}
	if err := f.Sync(); err != nil {
		return "", header{}, err
	}
	if err := f.Close(); err != nil {
		return "", header{}, err
	}
	if err := verifyFile(f.Name(), key, h); err != nil {
		return "", header{}, err
	}
	return f.Name(), h, ctx.Err()
}

// verifyFile re-reads a written file and checks it against h, so that
// what becomes visible is what was hashed.
func verifyFile(path, key string, h header) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	got, err := readHeader(f, key)
	if err != nil {
		return err
	}
	if !got.equal(h) {
		return fmt.Errorf("%w: header read back differs from the one written", store.ErrChecksum)
	}
	_, err = io.Copy(io.Discard, digest.Verify(f, key, h.SHA256, h.Size))
	return err
}

// linkOnce hard-links tmp to path, failing with store.ErrExists if path
// exists: of concurrent writers, in any process, exactly one wins. A hold
// is placed first, so the object is never visible unheld.
func (s *Store) linkOnce(key, path, holdPath, tmp string, hold bool) (err error) {
	if hold {
		var created bool
		if created, err = s.placeHold(holdPath); err != nil {
			return err
		}
		defer func() {
			if err != nil && created {
				_ = os.Remove(holdPath)
			}
		}()
	}
	err = s.commit(path, func() error { return os.Link(tmp, path) })
	if errors.Is(err, fs.ErrExist) {
		return store.ErrExists
	}
	return err
}

// overwrite renames tmp over path, unless the existing object is
// write-once, retained or held, or (with opts.IfMatch) is not the revision
// the caller read.
func (s *Store) overwrite(ctx context.Context, key, path, holdPath, tmp string, opts store.PutOptions) error {
	unlock, err := s.lock(key)
	if err != nil {
		return err
	}
	defer unlock()
	f, err := os.Open(path)
	if opts.IfMatch != "" && err != nil {
		return notFound(err)
	}
	if err == nil {
		old, err := readHeader(f, key)
		f.Close()
		switch {
		case err != nil:
			return fmt.Errorf("existing object: %w", err)
		case opts.IfMatch != "" && old.etag() != opts.IfMatch:
			return store.ErrChanged
		case old.WriteOnce:
			return fmt.Errorf("%w: it was written write-once", store.ErrExists)
		case old.RetainUntil.After(time.Now()):
			return fmt.Errorf("%w: it is retained until %s", store.ErrExists, old.RetainUntil.Format(time.RFC3339))
		}
		if _, err := os.Lstat(holdPath); err == nil {
			return store.ErrLegalHold
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.LegalHold {
		if _, err := s.placeHold(holdPath); err != nil {
			return err
		}
	}
	return s.commit(path, func() error { return os.Rename(tmp, path) })
}

// commit makes path's directory and runs place (a link or rename into
// it), retrying if a concurrent Delete removes the emptied directory in
// between; then it syncs the directory.
func (s *Store) commit(path string, place func() error) error {
	dir := filepath.Dir(path)
	var err error
	for range 5 {
		if err = os.MkdirAll(dir, dirMode); err != nil {
			continue
		}
		if err = place(); !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}

// placeHold creates a hold marker, and reports whether it was not there.
func (s *Store) placeHold(holdPath string) (created bool, err error) {
	var f *os.File
	err = s.commit(holdPath, func() error {
		var err error
		f, err = os.OpenFile(holdPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
		return err
	})
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("place legal hold: %w", err)
	}
	_, err = fmt.Fprintf(f, "{\"since\":%q}\n", time.Now().UTC().Format(time.RFC3339))
	return true, errors.Join(err, f.Close())
}

// Get opens key for reading. The reader returns an error wrapping
// store.ErrChecksum at EOF if the bytes do not match their checksum.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	path, _, err := s.paths(ctx, key)
	if err != nil {
		return nil, store.Object{}, fmt.Errorf("get %s: %w", key, err)
	}
	f, obj, h, err := open(path, key)
	if err != nil {
		return nil, store.Object{}, fmt.Errorf("get %s: %w", key, err)
	}
	return digest.Verify(f, key, h.SHA256, h.Size), obj, nil
}

// Stat describes key.
func (s *Store) Stat(ctx context.Context, key string) (store.Object, error) {
	path, _, err := s.paths(ctx, key)
	if err != nil {
		return store.Object{}, fmt.Errorf("stat %s: %w", key, err)
	}
	f, obj, _, err := open(path, key)
	if err != nil {
		return store.Object{}, fmt.Errorf("stat %s: %w", key, err)
	}
	f.Close()
	return obj, nil
}

// open opens an object file positioned after its header.
func open(path, key string) (*os.File, store.Object, header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, store.Object{}, header{}, notFound(err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", path)
	}
	if err != nil {
		f.Close()
		return nil, store.Object{}, header{}, err
	}
	h, err := readHeader(f, key)
	if err == nil && fi.Size() != headerSize+h.Size {
		err = fmt.Errorf("%w: file holds %d bytes, header says %d", store.ErrChecksum, fi.Size()-headerSize, h.Size)
	}
	if err != nil {
		f.Close()
		return nil, store.Object{}, header{}, err
	}
	return f, store.Object{Key: key, Size: h.Size, SHA256: h.SHA256, ContentType: h.ContentType, LastModified: fi.ModTime().UTC(), ETag: h.etag()}, h, nil
}

// notFound maps the errors of a path that does not exist (including a
// path through a file, "present/child") to store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return store.ErrNotFound
	}
	return err
}

// Delete removes key, unless it is under legal hold.
func (s *Store) Delete(ctx context.Context, key string) error {
	path, holdPath, err := s.paths(ctx, key)
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	unlock, err := s.lock(key)
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	defer unlock()
	if _, err := os.Lstat(path); err != nil {
		return fmt.Errorf("delete %s: %w", key, notFound(err))
	}
	if _, err := os.Lstat(holdPath); err == nil {
		return fmt.Errorf("delete %s: %w", key, store.ErrLegalHold)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("delete %s: %w", key, notFound(err))
	}
	// A concurrent Delete of the directory's last other object may have
	// removed the directory meanwhile: then the removal is durable too.
	if err := syncDir(filepath.Dir(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	s.removeEmptyDirs(filepath.Dir(path), s.objects)
	return nil
}

// removeEmptyDirs removes dir and its parents up to (not including) top
// while they are empty.
func (s *Store) removeEmptyDirs(dir, top string) {
	for dir != top && len(dir) > len(top) {
		if os.Remove(dir) != nil { // not empty, or gone
			return
		}
		dir = filepath.Dir(dir)
	}
}

// SetLegalHold places (on) or lifts (off) a legal hold on key.
func (s *Store) SetLegalHold(ctx context.Context, key string, on bool) error {
	path, holdPath, err := s.paths(ctx, key)
	if err != nil {
		return fmt.Errorf("set legal hold on %s: %w", key, err)
	}
	unlock, err := s.lock(key)
	if err != nil {
		return fmt.Errorf("set legal hold on %s: %w", key, err)
	}
	defer unlock()
	if _, err := os.Lstat(path); err != nil {
		return fmt.Errorf("set legal hold on %s: %w", key, notFound(err))
	}
	if on {
		if _, err := s.placeHold(holdPath); err != nil {
			return fmt.Errorf("set legal hold on %s: %w", key, err)
		}
		return nil
	}
	if err := os.Remove(holdPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("lift legal hold on %s: %w", key, err)
	}
	s.removeEmptyDirs(filepath.Dir(holdPath), s.holds)
	return nil
}

// Check reports the directory's state: it exists, keeps no versions,
// enforces legal holds, and is public if others can access it.
func (s *Store) Check(ctx context.Context) (store.BucketState, error) {
	state := store.BucketState{Name: s.root, Versioning: store.VersioningOff, ObjectLock: true}
	if err := ctx.Err(); err != nil {
		return state, err
	}
	fi, err := os.Stat(s.root)
	if errors.Is(err, fs.ErrNotExist) {
		return state, nil
	}
	if err != nil {
		return state, fmt.Errorf("check directory store: %w", err)
	}
	state.Exists = fi.IsDir()
	for _, d := range []string{s.root, s.objects, s.holds} {
		fi, err := os.Stat(d)
		if err != nil {
			return state, fmt.Errorf("check directory store: %w", err)
		}
		if why := worldAccess(fi); why != "" {
			state.Public = true
			state.PublicReason = fmt.Sprintf("%s: %s", d, why)
			break
		}
	}
	return state, nil
}

func validContentType(ct string) error {
	if len(ct) > maxContentType {
		return fmt.Errorf("content type is %d bytes, longer than %d", len(ct), maxContentType)
	}
	for i := 0; i < len(ct); i++ {
		if ct[i] < 0x20 || ct[i] > 0x7e {
			return fmt.Errorf("content type %q has a byte outside printable ASCII at %d", ct, i)
		}
	}
	return nil
}
