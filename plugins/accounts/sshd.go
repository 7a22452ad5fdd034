package accounts

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/sshdconfig"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

const (
	// sshdConfigPath is the main sshd configuration file.
	sshdConfigPath = "/etc/ssh/sshd_config"
	// sshdReadLimit bounds one sshd configuration file.
	sshdReadLimit = 1 << 20
	// maxSSHDIncludeDepth is sshd's own include depth limit.
	maxSSHDIncludeDepth = 16
)

// defaultAuthorizedKeysFiles is sshd's default AuthorizedKeysFile.
var defaultAuthorizedKeysFiles = []string{".ssh/authorized_keys", ".ssh/authorized_keys2"}

// sshdDirective is one keyword line of sshd_config.
type sshdDirective = sshdconfig.Directive

// parseSSHDConfig splits an sshd_config file into directives, with the
// lines that cannot be split.
func parseSSHDConfig(data []byte) ([]sshdDirective, []lineError) {
	dirs, probs := sshdconfig.Parse(data)
	var errs []lineError
	for _, p := range probs {
		errs = append(errs, lineError{p.Line, p.Reason})
	}
	return dirs, errs
}

// splitSSHDArgs splits an argument string as sshd does.
var splitSSHDArgs = sshdconfig.SplitArgs

// authorizedKeysPatterns returns the global AuthorizedKeysFile patterns
// of sshd: the first value outside a Match block, following Include, or
// sshd's default. AuthorizedKeysFile inside Match blocks is not
// evaluated.
func authorizedKeysPatterns(ctx context.Context, root *hostroot.Root, w *sdk.Warnings) []string {
	if p, ok := sshdKeysFile(ctx, root, w, sshdConfigPath, false, 0); ok {
		return p
	}
	return defaultAuthorizedKeysFiles
}

// sshdKeysFile scans one configuration file; ok reports whether an
// AuthorizedKeysFile was found.
func sshdKeysFile(ctx context.Context, root *hostroot.Root, w *sdk.Warnings, file string, inMatch bool, depth int) ([]string, bool) {
	if ctx.Err() != nil {
		return nil, false
	}
	data, err := root.ReadFile(file, sshdReadLimit)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.Add("sshd_config: %v", err)
		}
		return nil, false
	}
	dirs, errs := parseSSHDConfig(data)
	lineWarnings(w, "sshd_config: "+file, errs)
	for _, d := range dirs {
		switch d.Keyword {
		case "match":
			inMatch = true
		case "include":
			if depth >= maxSSHDIncludeDepth {
				w.Add("sshd_config: %s:%d: includes nested deeper than %d, not read", file, d.Line, maxSSHDIncludeDepth)
				continue
			}
			for _, a := range d.Args {
				if !path.IsAbs(a) {
					a = path.Join("/etc/ssh", a)
				}
				files, err := root.Glob(a)
				if err != nil {
					w.Add("sshd_config: Include %s: %v", a, err)
				}
				for _, f := range files {
					if p, ok := sshdKeysFile(ctx, root, w, f, inMatch, depth+1); ok {
						return p, true
					}
				}
			}
		case "authorizedkeysfile":
			if !inMatch && len(d.Args) > 0 {
				return d.Args, true
			}
		}
	}
	return nil, false
}

// expandKeysPath expands the tokens of an AuthorizedKeysFile pattern for
// one user (%h home, %u name, %U uid, %% a percent sign) and makes a
// relative result relative to the home directory.
func expandKeysPath(pattern string, u passwdEntry) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(pattern) {
			return "", fmt.Errorf("%q ends in a lone %%", pattern)
		}
		i++
		switch pattern[i] {
		case '%':
			b.WriteByte('%')
		case 'h':
			b.WriteString(u.Home)
		case 'u':
			b.WriteString(u.Name)
		case 'U':
			b.WriteString(strconv.Itoa(u.UID))
		default:
			return "", fmt.Errorf("%q: unknown token %%%c", pattern, pattern[i])
		}
	}
	p := b.String()
	if !path.IsAbs(p) {
		p = path.Join(u.Home, p)
	}
	return path.Clean(p), nil
}
