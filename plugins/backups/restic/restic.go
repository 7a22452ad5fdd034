package restic

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/auditfleet/auditfleet/plugins/backups/internal/tool"
)

// maxOutput bounds what is read from restic's standard output and error.
const maxOutput = 64 << 20

// Repo is a restic repository and how to open it.
type Repo struct {
	// Binary is the restic program's absolute path.
	Binary string
	// Repository is the repository location, as restic takes it.
	Repository string
	// PasswordFile is the file holding the repository password.
	PasswordFile string
	// Env are extra KEY=VALUE variables (cloud credentials); never logged.
	Env []string
	// CacheDir is restic's cache; "" runs without a cache.
	CacheDir string
}

// Snapshot is one snapshot as `restic snapshots --json` lists it.
type Snapshot struct {
	// ID is the snapshot's full ID.
	ID string `json:"id"`
	// ShortID is its first eight hex digits.
	ShortID string `json:"short_id"`
	// Time is when the backup was taken.
	Time time.Time `json:"time"`
	// Paths are the paths backed up.
	Paths []string `json:"paths"`
	// Hostname is the host that took it.
	Hostname string `json:"hostname"`
}

// Node is one file or directory of a snapshot, as `restic ls --json`
// lists it.
type Node struct {
	// Name is the base name.
	Name string `json:"name"`
	// Type is "file", "dir", "symlink", ...
	Type string `json:"type"`
	// Path is the path inside the snapshot.
	Path string `json:"path"`
	// Size is the file size in bytes.
	Size int64 `json:"size"`
	// ModTime is the file's modification time when it was backed up.
	ModTime time.Time `json:"mtime"`
}

// Snapshots lists the repository's snapshots, oldest first.
func (r Repo) Snapshots(ctx context.Context) ([]Snapshot, error) {
	out, err := r.run(ctx, "snapshots", "--json")
	if err != nil {
		return nil, err
	}
	var s []Snapshot
	if err := json.Unmarshal(out, &s); err != nil {
		return nil, fmt.Errorf("restic snapshots: decode output: %w", err)
	}
	return s, nil
}

// Latest returns the newest snapshot; ok is false when there is none.
func (r Repo) Latest(ctx context.Context) (s Snapshot, ok bool, err error) {
	all, err := r.Snapshots(ctx)
	if err != nil {
		return Snapshot{}, false, err
	}
	for _, c := range all {
		if !ok || c.Time.After(s.Time) {
			s, ok = c, true
		}
	}
	return s, ok, nil
}

// List lists the nodes of snapshot id, under the given paths when there
// are any, at most limit of them (the rest are not read).
func (r Repo) List(ctx context.Context, id string, paths []string, limit int) ([]Node, error) {
	out, err := r.run(ctx, append([]string{"ls", "--json", id}, paths...)...)
	if err != nil {
		return nil, err
	}
	var nodes []Node
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() && len(nodes) < limit {
		var n struct {
			Node
			StructType string `json:"struct_type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			return nil, fmt.Errorf("restic ls: decode output: %w", err)
		}
		if n.StructType == "node" {
			nodes = append(nodes, n.Node)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("restic ls: read output: %w", err)
	}
	return nodes, nil
}

// Restore restores the given paths of snapshot id under target and has
// restic verify the restored files' content against the snapshot.
func (r Repo) Restore(ctx context.Context, id, target string, include []string) error {
	args := []string{"restore", id, "--target", target, "--verify"}
	for _, p := range include {
		args = append(args, "--include", p)
	}
	_, err := r.run(ctx, args...)
	return err
}

// run starts restic with args and returns its standard output.
func (r Repo) run(ctx context.Context, args ...string) ([]byte, error) {
	if r.Binary == "" || r.Repository == "" || r.PasswordFile == "" {
		return nil, errors.New("restic: the program, repository and password file are all needed")
	}
	full := append([]string{"--repo", r.Repository, "--password-file", r.PasswordFile, "--no-lock", "--quiet"}, args...)
	if r.CacheDir == "" {
		full = append([]string{"--no-cache"}, full...)
	} else {
		full = append([]string{"--cache-dir", r.CacheDir}, full...)
	}
	env := append([]string{"PATH=/usr/bin:/bin", "HOME=/nonexistent", "RESTIC_PROGRESS_FPS=0.01"}, r.Env...)
	out, err := tool.Run(ctx, tool.Command{Binary: r.Binary, Args: full, Env: env, MaxOutput: maxOutput})
	if err != nil {
		return nil, fmt.Errorf("restic %s: %w", args[0], err)
	}
	return out, nil
}
