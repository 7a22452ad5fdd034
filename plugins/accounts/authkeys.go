package accounts

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/crypto/ssh"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// authorizedKeysReadLimit bounds one authorized_keys file.
const authorizedKeysReadLimit = 1 << 20

// parsedKey is one valid line of an authorized_keys file.
type parsedKey struct {
	Line        int
	Type        string
	Fingerprint string
	Comment     string
	Options     []string
}

// parseAuthorizedKeys parses an authorized_keys file line by line.
// Blank lines and comments are skipped; a line that is not a key is
// reported and skipped.
func parseAuthorizedKeys(data []byte) ([]parsedKey, []lineError) {
	var out []parsedKey
	var errs []lineError
	forEachLine(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			return
		}
		pk, comment, opts, _, err := ssh.ParseAuthorizedKey([]byte(t))
		if err != nil {
			errs = append(errs, lineError{n, "not a valid public key"})
			return
		}
		out = append(out, parsedKey{
			Line:        n,
			Type:        pk.Type(),
			Fingerprint: ssh.FingerprintSHA256(pk),
			Comment:     comment,
			Options:     opts,
		})
	})
	return out, errs
}

// userKeys reads the authorized_keys files of one user, sorted by file
// and line. Missing files have no keys.
func userKeys(ctx context.Context, root *hostroot.Root, patterns []string, u passwdEntry, w *sdk.Warnings) []Key {
	keys := []Key{}
	if u.Home == "" {
		return keys
	}
	var files []string
	for _, p := range patterns {
		if strings.EqualFold(p, "none") {
			continue
		}
		f, err := expandKeysPath(p, u)
		if err != nil {
			w.Add("authorized_keys: user %s: AuthorizedKeysFile %v", u.Name, err)
			continue
		}
		if !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	slices.Sort(files)
	for _, f := range files {
		if ctx.Err() != nil {
			return keys
		}
		fi, err := root.Stat(f)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, hostroot.ErrEscape) && !isNotDir(err) {
				w.Add("authorized_keys: user %s: %v", u.Name, err)
			}
			continue
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		data, err := root.ReadFile(f, authorizedKeysReadLimit)
		if err != nil {
			w.Add("authorized_keys: user %s: %v", u.Name, err)
			continue
		}
		parsed, errs := parseAuthorizedKeys(data)
		lineWarnings(w, "authorized_keys: "+f, errs)
		for _, k := range parsed {
			keys = append(keys, Key{
				File:        f,
				Line:        k.Line,
				Type:        k.Type,
				Fingerprint: k.Fingerprint,
				Comment:     k.Comment,
				Options:     k.Options,
				FileModTime: fi.ModTime().UTC(),
			})
		}
	}
	return keys
}

// isNotDir reports whether err says a path component is not a directory,
// which for a home directory means there is nothing to read.
func isNotDir(err error) bool {
	return errors.Is(err, syscall.ENOTDIR)
}
