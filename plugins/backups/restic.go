package backups

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/backups/restic"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// maxSnapshotFiles bounds the snapshot files read from a local restic
// repository's snapshots directory.
const maxSnapshotFiles = 100_000

// resticJob reads a declared restic job. Without a password file only a
// local repository can be read: its snapshot files are encrypted, but
// each is written once, when its backup completes, so the newest one's
// modification time is the last successful backup. With a password file
// the collector asks restic itself, which also works for remote
// repositories.
func resticJob(ctx context.Context, root *hostroot.Root, spec JobSpec, o Options, mounts mountTable) (Job, []string) {
	j := newJob(spec, "restic")
	j.Encrypted = ptr(true) // restic always encrypts
	var warns sdk.Warnings
	local, isLocal := localPath(spec.Repository)
	switch {
	case isLocal:
		j.OffHost = mounts.offHost(local)
		if j.OffHost != nil && !*j.OffHost {
			j.Immutable = ptr(false) // root on this host can delete it
		}
	default:
		j.OffHost = ptr(!loopback(remoteHost(spec.Repository)))
	}
	if spec.PasswordFile != "" {
		t, err := resticLatest(ctx, root, spec, o)
		if err == nil {
			j.setSuccess(t)
			return declare(j, spec, &warns), warns
		}
		warns.Add("%s: %v", j.ID, err)
		if !isLocal {
			return declare(j, spec, &warns), warns
		}
	}
	if !isLocal {
		if spec.Marker == "" {
			warns.Add("%s: a remote restic repository can only be read with a password_file (or a marker file); last backup unknown", j.ID)
		}
		return declare(j, spec, &warns), warns
	}
	t, newest, err := newestSnapshotFile(root, local)
	if err == nil && newest != "" {
		if why := checkSnapshotFile(root, newest); why != "" {
			// Its time would be the last success: a file restic did not
			// write in full is no evidence of one.
			warns.Add("%s: %s: %s", j.ID, newest, why)
			j.Unread = append(j.Unread, newest+": "+why)
		}
	}
	switch {
	case errors.Is(err, errNoRepository):
		warns.Add("%s: %v", j.ID, err)
	case err != nil:
		warns.Add("%s: %v; last backup unknown", j.ID, err)
	case t.IsZero():
		j.LastResult = "unknown" // an initialised repository with no snapshot yet
	default:
		j.setSuccess(t)
	}
	return declare(j, spec, &warns), warns
}

var errNoRepository = errors.New("no repository there")

// newestSnapshotFile returns the modification time and path of the
// newest file in the repository's snapshots directory; zero and "" when
// there is none.
func newestSnapshotFile(root *hostroot.Root, repo string) (newest time.Time, name string, err error) {
	if fi, err := root.Stat(repo + "/config"); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return time.Time{}, "", fmt.Errorf("%w (no restic config file in %s)", errNoRepository, repo)
		}
		return time.Time{}, "", fmt.Errorf("read restic repository %s: %w", repo, err)
	} else if !fi.Mode().IsRegular() || fi.Size() == 0 {
		return time.Time{}, "", fmt.Errorf("read restic repository %s: its config is not a regular file with content", repo)
	}
	entries, err := root.ReadDir(repo + "/snapshots")
	if err != nil {
		return time.Time{}, "", fmt.Errorf("list restic snapshots in %s: %w", repo, err)
	}
	for i, e := range entries {
		if i >= maxSnapshotFiles {
			break
		}
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if info.ModTime().After(newest) {
			newest, name = info.ModTime(), repo+"/snapshots/"+e.Name()
		}
	}
	return newest, name, nil
}

// maxSnapshotFile bounds the snapshot file checkSnapshotFile hashes.
const maxSnapshotFile = 16 << 20

// checkSnapshotFile returns why the restic snapshot file p is not one
// restic wrote in full, "" when it is. Restic names every file of a
// repository by the SHA-256 of its content, so without the password a
// file cut short, overwritten or not restic's is told by its hash. A file
// over maxSnapshotFile is not hashed.
func checkSnapshotFile(root *hostroot.Root, p string) string {
	name := path.Base(p)
	if len(name) != sha256.Size*2 || strings.Trim(name, "0123456789abcdef") != "" {
		return "not named as restic names its files (64 hex digits)"
	}
	b, err := root.ReadFile(p, maxSnapshotFile)
	if err != nil {
		if errors.Is(err, hostroot.ErrTooLarge) {
			return ""
		}
		return err.Error()
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != name {
		return "its content does not match its name (restic names each file by the SHA-256 of its content): cut short, overwritten or damaged"
	}
	return ""
}

// resticLatest asks restic for the newest snapshot's time.
func resticLatest(ctx context.Context, root *hostroot.Root, spec JobSpec, o Options) (time.Time, error) {
	repo, err := ResticRepo(root, spec, o)
	if err != nil {
		return time.Time{}, err
	}
	s, ok, err := repo.Latest(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Time{}, nil
	}
	return s.Time, nil
}

// ResticRepo returns how to run restic on the job's repository: local
// paths and the password and environment files resolved inside the host
// root. The restic program itself is the agent's, not the host's.
func ResticRepo(root *hostroot.Root, spec JobSpec, o Options) (restic.Repo, error) {
	a, err := access(root, spec)
	if err != nil {
		return restic.Repo{}, err
	}
	return restic.Repo{Binary: o.ResticBinary, Repository: a.repository, PasswordFile: a.passwordFile, Env: a.env}, nil
}

// toolAccess is what a backup program needs to open a job's repository.
type toolAccess struct {
	repository, passwordFile string
	env                      []string
}

// access resolves a job's local repository path and password file inside
// the host root and reads its environment file.
func access(root *hostroot.Root, spec JobSpec) (toolAccess, error) {
	a := toolAccess{repository: spec.Repository}
	if p, ok := localPath(spec.Repository); ok {
		real, err := root.Resolve(p)
		if err != nil {
			return a, err
		}
		a.repository = real
	}
	pw, err := root.Resolve(spec.PasswordFile)
	if err != nil {
		return a, err
	}
	a.passwordFile = pw
	if spec.EnvironmentFile != "" {
		b, err := root.ReadFile(spec.EnvironmentFile, 1<<20)
		if err != nil {
			return a, fmt.Errorf("read environment file: %w", err)
		}
		env, err := parseEnvFile(b)
		if err != nil {
			return a, fmt.Errorf("environment file %s: %w", spec.EnvironmentFile, err)
		}
		a.env = env
	}
	return a, nil
}

// parseEnvFile reads KEY=VALUE lines (comments and blank lines skipped,
// optional "export " and quotes). Errors name the line, never its value.
func parseEnvFile(b []byte) ([]string, error) {
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t\"'") {
			return nil, fmt.Errorf("line %d is not KEY=VALUE", n)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		env = append(env, k+"="+v)
	}
	return env, sc.Err()
}
