package accounts

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

const (
	// sudoersPath is the main sudoers file.
	sudoersPath = "/etc/sudoers"
	// maxSudoersDepth bounds include nesting.
	maxSudoersDepth = 16
	// sudoersReadLimit bounds one sudoers file.
	sudoersReadLimit = 4 << 20
)

// sudoersSource is one parsed sudoers file.
type sudoersSource struct {
	Path string
	File sudoersFile
}

// sudoLoader reads sudoers and the files it includes.
type sudoLoader struct {
	root     *hostroot.Root
	warn     *sdk.Warnings
	seen     map[string]bool
	out      []sudoersSource
	unread   []string
	hostname *string
}

// loadSudoers reads /etc/sudoers and its includes, in the order sudo reads
// them. A missing /etc/sudoers yields no sources. unread are the files
// that exist but could not be read in full (unreadable, a link to
// nothing, not a regular file in an includedir, lines that do not parse).
func loadSudoers(ctx context.Context, root *hostroot.Root, w *sdk.Warnings) (srcs []sudoersSource, unread []string) {
	l := &sudoLoader{root: root, warn: w, seen: make(map[string]bool)}
	l.load(ctx, sudoersPath, nil)
	return l.out, l.unread
}

func (l *sudoLoader) load(ctx context.Context, p string, stack []string) {
	if ctx.Err() != nil {
		return
	}
	if slices.Contains(stack, p) {
		l.warn.Add("sudoers: %s: include loop via %s, not read again", p, strings.Join(stack, " -> "))
		return
	}
	if len(stack) > maxSudoersDepth {
		l.warn.Add("sudoers: %s: includes nested deeper than %d, not read", p, maxSudoersDepth)
		return
	}
	if l.seen[p] {
		return
	}
	l.seen[p] = true
	data, err := l.root.ReadFile(p, sudoersReadLimit)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.warn.Add("sudoers: %v", err)
			l.unread = append(l.unread, p)
		} else if _, lerr := l.root.Lstat(p); lerr == nil {
			l.warn.Add("sudoers: %s: a symbolic link to nothing, not read", p)
			l.unread = append(l.unread, p)
		}
		return
	}
	if why := textcheck.Problem(data); why != "" {
		// What parses before a cut is not all the file held: the rules
		// and includes after it are lost.
		l.warn.Add("sudoers: %s: %s", p, why)
		l.unread = append(l.unread, p)
		if textcheck.Binary(data) != "" {
			return
		}
	}
	f, errs := parseSudoers(data)
	lineWarnings(l.warn, "sudoers: "+p, errs)
	if len(errs) > 0 && !slices.Contains(l.unread, p) {
		l.unread = append(l.unread, p)
	}
	l.out = append(l.out, sudoersSource{Path: p, File: f})
	stack = append(slices.Clip(stack), p)
	for _, inc := range f.Includes {
		target, ok := l.includeTarget(inc.Path, p)
		if !ok {
			l.warn.Add("sudoers: %s:%d: cannot expand include path %q", p, inc.Line, inc.Path)
			continue
		}
		if !inc.Dir {
			l.load(ctx, target, stack)
			continue
		}
		for _, name := range l.includeDirFiles(target) {
			l.load(ctx, path.Join(target, name), stack)
		}
	}
}

// includeDirFiles lists the files sudo reads from an includedir: regular
// files whose names neither end in "~" nor contain ".", in lexical order.
// A missing directory has none.
func (l *sudoLoader) includeDirFiles(dir string) []string {
	ents, err := l.root.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.warn.Add("sudoers: %v", err)
		}
		return nil
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, "~") || strings.Contains(n, ".") {
			continue
		}
		fi, err := l.root.Stat(path.Join(dir, n))
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		out = append(out, n)
	}
	return out
}

// includeTarget expands "%h" (short host name) and "%%" in an include
// path and makes a relative path relative to the including file's
// directory.
func (l *sudoLoader) includeTarget(p, from string) (string, bool) {
	if strings.Contains(p, "%") {
		var b strings.Builder
		for i := 0; i < len(p); i++ {
			if p[i] != '%' {
				b.WriteByte(p[i])
				continue
			}
			if i+1 >= len(p) {
				return "", false
			}
			i++
			switch p[i] {
			case '%':
				b.WriteByte('%')
			case 'h':
				h := l.shortHostname()
				if h == "" {
					return "", false
				}
				b.WriteString(h)
			default:
				return "", false
			}
		}
		p = b.String()
	}
	if !path.IsAbs(p) {
		p = path.Join(path.Dir(from), p)
	}
	return path.Clean(p), true
}

// shortHostname reads the host name from /etc/hostname, up to the first
// dot; "" when unknown.
func (l *sudoLoader) shortHostname() string {
	if l.hostname == nil {
		h := ""
		if b, err := l.root.ReadFile("/etc/hostname", 4096); err == nil {
			h, _, _ = strings.Cut(strings.TrimSpace(string(b)), "\n")
			h, _, _ = strings.Cut(strings.TrimSpace(h), ".")
		}
		l.hostname = &h
	}
	return *l.hostname
}
