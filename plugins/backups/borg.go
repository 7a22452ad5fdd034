package backups

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/backups/borg"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// borgJob reads a declared borg job. A local repository is read without
// credentials: its config file (append_only), the newest committed
// transaction (the modification time of integrity.N, hints.N or index.N
// with the highest N), and the key type byte of the first object in the
// first segment, which says whether the repository is encrypted. With a
// password file, `borg list` gives the newest archive's time and the
// encryption mode, for remote repositories too, and wins over the files.
func borgJob(ctx context.Context, root *hostroot.Root, spec JobSpec, o Options, mounts mountTable) (Job, []string) {
	j := newJob(spec, "borg")
	var warns sdk.Warnings
	local, isLocal := localPath(spec.Repository)
	if isLocal {
		j.OffHost = mounts.offHost(local)
		borgFiles(root, local, &j, &warns)
	} else {
		j.OffHost = ptr(!loopback(remoteHost(spec.Repository)))
	}
	if spec.PasswordFile != "" {
		s, err := borgList(ctx, root, spec, o)
		switch {
		case err != nil:
			warns.Add("%s: %v", j.ID, err)
		default:
			j.Encrypted = ptr(s.Encrypted())
			j.LastSuccess, j.LastRun, j.LastResult = nil, nil, "unknown"
			if !s.Latest.IsZero() {
				j.setSuccess(s.Latest)
			}
		}
	} else if !isLocal && spec.Marker == "" {
		warns.Add("%s: a remote borg repository can only be read with a password_file (or a marker file); last backup unknown", j.ID)
	}
	return declare(j, spec, &warns), warns
}

// borgFiles reads a local repository's files into j.
func borgFiles(root *hostroot.Root, local string, j *Job, warns *sdk.Warnings) {
	cfg, err := root.ReadFile(local+"/config", 1<<20)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			warns.Add("%s: no borg repository there (no config file in %s)", j.ID, local)
		} else {
			warns.Add("%s: %v", j.ID, err)
		}
		return
	}
	c := parseBorgConfig(cfg)
	if c["version"] == "" {
		warns.Add("%s: %s/config is not a borg repository configuration", j.ID, local)
		return
	}
	if !borgRepoID.MatchString(c["id"]) {
		warns.Add("%s: %s/config has no repository id (cut short or damaged); repository not read", j.ID, local)
		return
	}
	if why := borgConfigDamage(cfg); why != "" {
		// What comes after the cut (the rest of the key) is lost; the
		// repository's own files are still read, but the job is not
		// known to be sound.
		warns.Add("%s: %s/config: %s", j.ID, local, why)
		j.Unread = append(j.Unread, local+"/config: "+why)
	}
	if _, err := firstSegment(root, local); err != nil {
		warns.Add("%s: %v; last backup and encryption unknown", j.ID, err)
		return
	}
	appendOnly := c["append_only"] == "1" || strings.EqualFold(c["append_only"], "true")
	switch {
	case appendOnly:
		j.Immutable = ptr(true)
	case j.OffHost != nil && !*j.OffHost:
		j.Immutable = ptr(false)
	}
	t, err := borgLastCommit(root, local)
	if err != nil {
		warns.Add("%s: %v; last backup unknown", j.ID, err)
	} else if !t.IsZero() {
		j.setSuccess(t)
	}
	enc, err := borgEncrypted(root, local)
	if err != nil {
		warns.Add("%s: %v; encryption unknown", j.ID, err)
	} else {
		j.Encrypted = enc
	}
}

// borgList asks borg for the newest archive.
func borgList(ctx context.Context, root *hostroot.Root, spec JobSpec, o Options) (borg.State, error) {
	r, err := BorgRepo(root, spec, o)
	if err != nil {
		return borg.State{}, err
	}
	return r.List(ctx)
}

// BorgRepo returns how to run borg on the job's repository: local paths
// and the password and environment files resolved inside the host root.
// The borg program itself is the agent's, not the host's.
func BorgRepo(root *hostroot.Root, spec JobSpec, o Options) (borg.Repo, error) {
	a, err := access(root, spec)
	if err != nil {
		return borg.Repo{}, err
	}
	return borg.Repo{Binary: o.BorgBinary, Repository: a.repository, PasswordFile: a.passwordFile, Env: a.env}, nil
}

// borgConfigDamage returns why a borg config file was not written in
// full, "" when it looks whole: binary data, a last line without its
// newline, or a key (repokey mode: base64 over continuation lines) that
// does not decode. The key's content is not checked: that needs the
// passphrase.
func borgConfigDamage(b []byte) string {
	if why := textcheck.Problem(b); why != "" {
		return why
	}
	var key strings.Builder
	inKey := false
	for line := range strings.SplitSeq(string(b), "\n") {
		switch {
		case inKey && line != "" && (line[0] == ' ' || line[0] == '\t'):
			key.WriteString(strings.TrimSpace(line))
			continue
		case inKey:
			inKey = false
		}
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "key" {
			inKey = true
			key.WriteString(strings.TrimSpace(v))
		}
	}
	if key.Len() == 0 {
		return "" // keyfile mode, or no encryption: no key here
	}
	if _, err := base64.StdEncoding.DecodeString(key.String()); err != nil {
		return fmt.Sprintf("its key does not decode (%v): cut short or damaged", err)
	}
	return ""
}

// parseBorgConfig reads the [repository] section of a borg config file.
func parseBorgConfig(b []byte) map[string]string {
	m := map[string]string{}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "["):
			in = t == "[repository]"
		case !in || t == "" || line[0] == ' ' || line[0] == '\t':
			// continuation lines of a long value (the key) are skipped
		default:
			k, v, ok := strings.Cut(t, "=")
			if ok {
				m[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	return m
}

// borgLastCommit returns the modification time of the newest committed
// transaction's files. Pruning and compacting commit too, so this is the
// last write of a successful borg operation (with a timer that only runs
// create and prune together, the last backup).
func borgLastCommit(root *hostroot.Root, repo string) (time.Time, error) {
	entries, err := root.ReadDir(repo)
	if err != nil {
		return time.Time{}, fmt.Errorf("list borg repository %s: %w", repo, err)
	}
	best := -1
	var at time.Time
	have := map[int]map[string]bool{} // transaction files present, by number
	for _, e := range entries {
		prefix, num, ok := strings.Cut(e.Name(), ".")
		if !ok || !slices.Contains([]string{"integrity", "hints", "index"}, prefix) {
			continue
		}
		n, err := strconv.Atoi(num)
		// Only regular files are borg's: the time of a symbolic link or
		// a directory there says nothing about a commit.
		if err != nil || !e.Type().IsRegular() {
			continue
		}
		if have[n] == nil {
			have[n] = map[string]bool{}
		}
		have[n][prefix] = true
		if n < best {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if n > best || info.ModTime().After(at) {
			best, at = n, info.ModTime()
		}
	}
	// A commit writes hints.N and integrity.N together: one alone is a
	// damaged repository, not a backup.
	if best >= 0 && (!have[best]["hints"] || !have[best]["integrity"]) {
		return time.Time{}, fmt.Errorf("borg repository %s: transaction %d is incomplete (hints.%d and integrity.%d are not both regular files)", repo, best, best, best)
	}
	return at, nil
}

// borgRepoID is a borg repository ID as its config holds it.
var borgRepoID = regexp.MustCompile(`^[0-9a-f]{64}$`)

// borgKeyTypes are the key types (the first byte of every stored object)
// of borg 1.x, and whether they encrypt.
var borgKeyTypes = map[byte]bool{
	0x00: true,  // keyfile
	0x01: true,  // passphrase (legacy)
	0x02: false, // none
	0x03: true,  // repokey
	0x04: true,  // keyfile-blake2
	0x05: true,  // repokey-blake2
	0x06: false, // authenticated-blake2
	0x07: false, // authenticated
}

// borgEncrypted reads the key type of the first object in the repository's
// first segment (the manifest, written by `borg init`). The key in a
// repokey repository's config does not settle it: authenticated-only
// repositories keep one there too.
func borgEncrypted(root *hostroot.Root, repo string) (*bool, error) {
	seg, err := firstSegment(root, repo)
	if err != nil {
		return nil, err
	}
	f, err := root.Open(seg)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := segmentKeyType(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", seg, err)
	}
	enc, ok := borgKeyTypes[t]
	if !ok {
		return nil, fmt.Errorf("%s: unknown borg key type 0x%02x", seg, t)
	}
	return &enc, nil
}

// firstSegment returns the lowest-numbered segment file of the repository.
func firstSegment(root *hostroot.Root, repo string) (string, error) {
	dirs, err := root.ReadDir(repo + "/data")
	if err != nil {
		return "", fmt.Errorf("list borg segments: %w", err)
	}
	for _, d := range sortedNumeric(dirs) {
		files, err := root.ReadDir(repo + "/data/" + d)
		if err != nil {
			return "", fmt.Errorf("list borg segments: %w", err)
		}
		if s := sortedNumeric(files); len(s) > 0 {
			return repo + "/data/" + d + "/" + s[0], nil
		}
	}
	return "", errors.New("the repository has no segment")
}

func sortedNumeric(entries []fs.DirEntry) []string {
	type named struct {
		n    int
		name string
	}
	var ns []named
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil && n >= 0 {
			ns = append(ns, named{n, e.Name()})
		}
	}
	slices.SortFunc(ns, func(a, b named) int { return a.n - b.n })
	out := make([]string, len(ns))
	for i, v := range ns {
		out[i] = v.name
	}
	return out
}

// borgSegMagic starts every borg segment file.
const borgSegMagic = "BORG_SEG"

// segmentKeyType reads a segment: the magic, then entries of crc32 (4),
// size (4, little endian, including this header), tag (1: 0 put,
// 1 delete, 2 commit), and for a put the 32-byte object ID and the data,
// whose first byte is the key type. It returns that of the first put.
func segmentKeyType(r io.Reader) (byte, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, len(borgSegMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != borgSegMagic {
		return 0, errors.New("not a borg segment")
	}
	for range 1000 {
		var hdr [9]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return 0, errors.New("no object in the first segment")
		}
		size := binary.LittleEndian.Uint32(hdr[4:8])
		tag := hdr[8]
		if size < 9 {
			return 0, fmt.Errorf("corrupt segment entry (size %d)", size)
		}
		body := int64(size) - 9
		if tag == 0 {
			if body < 33 {
				return 0, fmt.Errorf("corrupt segment entry (put of %d bytes)", body)
			}
			if _, err := br.Discard(32); err != nil {
				return 0, errors.New("truncated segment")
			}
			t, err := br.ReadByte()
			if err != nil {
				return 0, errors.New("truncated segment")
			}
			return t, nil
		}
		if _, err := io.CopyN(io.Discard, br, body); err != nil {
			return 0, errors.New("truncated segment")
		}
	}
	return 0, errors.New("no object in the first segment's first 1000 entries")
}
