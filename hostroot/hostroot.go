package hostroot

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
)

// Env is the environment variable that names the host root when no flag does.
const Env = "AUDITFLEET_HOST_ROOT"

// DefaultDir is the host root used when neither the flag nor Env is set.
const DefaultDir = "/"

// Root is an open host root. All reads through it stay inside Dir.
type Root struct {
	dir  string
	root *os.Root
}

// Open opens dir as a host root. dir must be an existing directory.
func Open(dir string) (*Root, error) {
	if dir == "" {
		dir = DefaultDir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("host root %q: %w", dir, err)
	}
	// Resolve symlinks in the root itself once, so that the confinement
	// checks below compare against the real directory.
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("host root %q: %w", dir, err)
	}
	r, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("host root %q: %w", dir, err)
	}
	return &Root{dir: real, root: r}, nil
}

// Dir returns the absolute, symlink-free directory of the root.
func (r *Root) Dir() string { return r.dir }

// IsLive reports whether the root is the running system's own "/", where
// live sources such as gopsutil describe the same host as the files do.
func (r *Root) IsLive() bool { return r.dir == "/" }

// Close releases the root.
func (r *Root) Close() error { return r.root.Close() }

// Resolve maps a path as seen on the host (e.g. "/etc/shadow") to the real
// path on this machine, following symlinks as if Dir were "/". The result
// is always inside Dir. The final path need not exist.
func (r *Root) Resolve(name string) (string, error) {
	p, err := securejoin.SecureJoin(r.dir, hostPath(name))
	if err != nil {
		return "", fmt.Errorf("resolve %s in host root: %w", name, err)
	}
	return p, nil
}

// rel returns the symlink-resolved path of name relative to Dir, for use
// with os.Root, which refuses any path that escapes (even if a symlink is
// swapped in between resolution and open).
func (r *Root) rel(name string) (string, error) {
	p, err := r.Resolve(name)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(r.dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("resolve %s in host root: %w", name, ErrEscape)
	}
	return rel, nil
}

// ErrEscape is returned when a path would leave the host root.
var ErrEscape = errors.New("path escapes host root")

// Open opens the host file name for reading.
func (r *Root) Open(name string) (*os.File, error) {
	rel, err := r.rel(name)
	if err != nil {
		return nil, err
	}
	f, err := r.root.Open(rel)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, stripRoot(err))
	}
	return f, nil
}

// ReadFile reads the whole host file name, refusing files over limit bytes
// (limit <= 0 means DefaultReadLimit).
func (r *Root) ReadFile(name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultReadLimit
	}
	f, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("read %s: %w (limit %d bytes)", name, ErrTooLarge, limit)
	}
	return b, nil
}

// DefaultReadLimit bounds ReadFile so a hostile or corrupt file cannot
// exhaust a collector's memory.
const DefaultReadLimit = 64 << 20

// ErrTooLarge is returned by ReadFile for files over the limit.
var ErrTooLarge = errors.New("file too large")

// Stat returns file info for the host path, following symlinks inside the root.
func (r *Root) Stat(name string) (fs.FileInfo, error) {
	rel, err := r.rel(name)
	if err != nil {
		return nil, err
	}
	fi, err := r.root.Stat(rel)
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", name, stripRoot(err))
	}
	return fi, nil
}

// Lstat returns file info for the host path without following a final symlink.
func (r *Root) Lstat(name string) (fs.FileInfo, error) {
	hp := hostPath(name)
	dir, base := filepath.Split(hp)
	if base == "" {
		return r.Stat(hp)
	}
	rel, err := r.rel(dir)
	if err != nil {
		return nil, err
	}
	fi, err := r.root.Lstat(filepath.Join(rel, base))
	if err != nil {
		return nil, fmt.Errorf("lstat %s: %w", name, stripRoot(err))
	}
	return fi, nil
}

// ReadDir lists the host directory name, sorted by file name.
func (r *Root) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("read dir %s: %w", name, err)
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, nil
}

// hostPath cleans name as an absolute path on the host.
func hostPath(name string) string {
	return filepath.Clean(string(filepath.Separator) + name)
}

// stripRoot rewrites a *fs.PathError so messages name the host path, not
// the path of the mount on this machine.
func stripRoot(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
