package borg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/plugins/backups/internal/tool"
)

// maxOutput bounds what is read from borg's standard output.
const maxOutput = 16 << 20

// Repo is a borg repository and how to open it.
type Repo struct {
	// Binary is the borg program's absolute path.
	Binary string
	// Repository is the repository location, as borg takes it.
	Repository string
	// PasswordFile holds the passphrase, passed on a file descriptor.
	PasswordFile string
	// Env are extra KEY=VALUE variables (BORG_RSH, BORG_KEY_FILE, ...);
	// never logged.
	Env []string
}

// State is what `borg list --json --last 1` says of a repository.
type State struct {
	// Latest is the newest archive's time; zero when there is none.
	Latest time.Time
	// Archive is its name.
	Archive string
	// Encryption is the repository's encryption mode ("repokey",
	// "keyfile-blake2", "authenticated", "none", ...).
	Encryption string
}

// Encrypted reports whether the mode encrypts the data (authenticated
// modes only sign it).
func (s State) Encrypted() bool {
	return s.Encryption != "" && s.Encryption != "none" && !strings.HasPrefix(s.Encryption, "authenticated")
}

// listing is the part of borg's JSON output read.
type listing struct {
	Archives []struct {
		Name string `json:"name"`
		Time string `json:"time"`
	} `json:"archives"`
	Encryption struct {
		Mode string `json:"mode"`
	} `json:"encryption"`
}

// List asks borg for the newest archive, without taking the repository
// lock (a backup may be running).
func (r Repo) List(ctx context.Context) (State, error) {
	out, err := r.run(ctx, "", "list", "--json", "--last", "1", "--bypass-lock", r.Repository)
	if err != nil {
		return State{}, err
	}
	var l listing
	if err := json.Unmarshal(out, &l); err != nil {
		return State{}, fmt.Errorf("borg list: decode output: %w", err)
	}
	s := State{Encryption: l.Encryption.Mode}
	for _, a := range l.Archives {
		t, err := time.Parse("2006-01-02T15:04:05.999999", a.Time)
		if err != nil {
			return State{}, fmt.Errorf("borg list: archive %q time %q: %w", a.Name, a.Time, err)
		}
		if t.After(s.Latest) {
			s.Latest, s.Archive = t.UTC(), a.Name
		}
	}
	return s, nil
}

// Entry is one file or directory of an archive.
type Entry struct {
	// Path is its absolute path as backed up (borg stores it without the
	// leading slash).
	Path string
	// Type is "file", "dir", "symlink" or "other".
	Type string
	// Size is the file size in bytes.
	Size int64
	// ModTime is its modification time when backed up.
	ModTime time.Time
}

// Contents lists at most limit entries of archive, under the given
// absolute paths when there are any.
func (r Repo) Contents(ctx context.Context, archive string, paths []string, limit int) ([]Entry, error) {
	args := []string{"list", "--json-lines", "--bypass-lock", r.Repository + "::" + archive}
	for _, p := range paths {
		args = append(args, strings.TrimPrefix(p, "/"))
	}
	out, err := r.run(ctx, "", args...)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for line := range strings.Lines(string(out)) {
		if len(entries) == limit {
			break
		}
		var e struct {
			Type  string `json:"type"`
			Path  string `json:"path"`
			Size  int64  `json:"size"`
			MTime string `json:"mtime"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("borg list: decode output: %w", err)
		}
		t, err := time.Parse("2006-01-02T15:04:05.999999", e.MTime)
		if err != nil {
			return nil, fmt.Errorf("borg list: %s: time %q: %w", e.Path, e.MTime, err)
		}
		kind := map[string]string{"-": "file", "d": "dir", "l": "symlink"}[e.Type]
		if kind == "" {
			kind = "other"
		}
		entries = append(entries, Entry{Path: "/" + strings.TrimPrefix(e.Path, "/"), Type: kind, Size: e.Size, ModTime: t.UTC()})
	}
	return entries, nil
}

// Extract restores the given absolute paths of archive under target.
// borg checks each chunk's ID (and, in encrypted and authenticated modes,
// its MAC) as it reads it.
func (r Repo) Extract(ctx context.Context, archive, target string, paths []string) error {
	args := []string{"extract", "--bypass-lock", r.Repository + "::" + archive}
	for _, p := range paths {
		args = append(args, strings.TrimPrefix(p, "/"))
	}
	_, err := r.run(ctx, target, args...)
	return err
}

// run starts borg with args in dir and returns its standard output.
func (r Repo) run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	if r.Binary == "" || r.Repository == "" || r.PasswordFile == "" {
		return nil, errors.New("borg: the program, repository and password file are all needed")
	}
	pw, err := os.Open(r.PasswordFile)
	if err != nil {
		return nil, fmt.Errorf("borg %s: password file: %w", args[0], err)
	}
	defer pw.Close()
	base, err := os.MkdirTemp("", "auditfleet-borg-")
	if err != nil {
		return nil, fmt.Errorf("borg %s: %w", args[0], err)
	}
	defer os.RemoveAll(base)
	// TZ=UTC: borg prints times in local time without a zone.
	env := append([]string{"PATH=/usr/bin:/bin", "HOME=" + base, "TZ=UTC", "BORG_BASE_DIR=" + base,
		"BORG_PASSPHRASE_FD=3", "BORG_RELOCATED_REPO_ACCESS_IS_OK=yes", "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes"}, r.Env...)
	out, err := tool.Run(ctx, tool.Command{Binary: r.Binary, Args: args, Env: env, Dir: dir, Files: []*os.File{pw}, MaxOutput: maxOutput})
	if err != nil {
		return nil, fmt.Errorf("borg: %w", err)
	}
	return out, nil
}
