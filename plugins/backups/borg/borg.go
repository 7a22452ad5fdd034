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
	if r.Binary == "" || r.Repository == "" || r.PasswordFile == "" {
		return State{}, errors.New("borg: the program, repository and password file are all needed")
	}
	pw, err := os.Open(r.PasswordFile)
	if err != nil {
		return State{}, fmt.Errorf("borg list: password file: %w", err)
	}
	defer pw.Close()
	base, err := os.MkdirTemp("", "auditfleet-borg-")
	if err != nil {
		return State{}, fmt.Errorf("borg list: %w", err)
	}
	defer os.RemoveAll(base)
	// TZ=UTC: borg prints archive times in local time without a zone.
	env := append([]string{"PATH=/usr/bin:/bin", "HOME=" + base, "TZ=UTC", "BORG_BASE_DIR=" + base,
		"BORG_PASSPHRASE_FD=3", "BORG_RELOCATED_REPO_ACCESS_IS_OK=yes", "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes"}, r.Env...)
	out, err := tool.Run(ctx, tool.Command{
		Binary: r.Binary, Args: []string{"list", "--json", "--last", "1", "--bypass-lock", r.Repository},
		Env: env, Files: []*os.File{pw}, MaxOutput: maxOutput,
	})
	if err != nil {
		return State{}, fmt.Errorf("borg: %w", err)
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
