package exposure

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
	// maxIncludeDepth bounds include nesting.
	maxIncludeDepth = 16
	// maxConfigFiles bounds the configuration files read per web server.
	maxConfigFiles = 512
	// configReadLimit bounds each configuration file.
	configReadLimit = 4 << 20
)

// configLoader reads a web server's configuration through the host root,
// expanding include directives in place.
type configLoader struct {
	root *hostroot.Root
	// base is the directory relative include paths start from.
	base string
	// parse parses one file.
	parse func([]byte) ([]directive, error)
	// include reports whether d includes other files and, if so, the
	// pattern and whether a missing file is fine.
	include func(d directive) (pattern string, optional, ok bool)
	// files are the files read, in order.
	files []string
	// unread are the configuration files that exist but could not be
	// read in full: unreadable, a link to nothing, not a regular file,
	// or with a part that does not parse.
	unread []string
	// stack are the files being expanded, to break include loops.
	stack []string
	w     *sdk.Warnings
}

// load reads name and everything it includes. A missing file gives no
// directives; other problems add a warning.
func (l *configLoader) load(ctx context.Context, name string) []directive {
	if ctx.Err() != nil {
		return nil
	}
	if slices.Contains(l.stack, name) {
		l.w.Add("%s: included from itself; include loop ignored", name)
		return nil
	}
	if len(l.stack) > maxIncludeDepth {
		l.w.Add("%s: includes nested more than %d deep; not read", name, maxIncludeDepth)
		return nil
	}
	if len(l.files) >= maxConfigFiles {
		l.w.Add("%s: more than %d configuration files; not read", name, maxConfigFiles)
		return nil
	}
	data, err := l.root.ReadFile(name, configReadLimit)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, lerr := l.root.Lstat(name); lerr != nil {
				return nil // absent is a fact
			}
			l.w.Add("%s: a symbolic link to nothing; not read", name)
		} else {
			l.w.Add("%v", err)
		}
		l.unread = append(l.unread, name)
		return nil
	}
	if p := textcheck.Binary(data); p != "" {
		l.w.Add("%s: %s; not read", name, p)
		l.unread = append(l.unread, name)
		return nil
	}
	l.files = append(l.files, name)
	dirs, err := l.parse(data)
	if err != nil {
		l.w.Add("%s: %v; the rest of the file is not read", name, err)
		l.unread = append(l.unread, name)
	}
	l.stack = append(l.stack, name)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()
	return l.expand(ctx, name, dirs)
}

// expand sets File on dirs (read from file) and replaces each include
// with the directives of the files it names.
func (l *configLoader) expand(ctx context.Context, file string, dirs []directive) []directive {
	out := make([]directive, 0, len(dirs))
	for _, d := range dirs {
		d.File = file
		if pat, optional, ok := l.include(d); ok {
			if !path.IsAbs(pat) {
				pat = path.Join(l.base, pat)
			}
			names, bad, err := globRoot(l.root, path.Clean(pat))
			for _, b := range bad {
				l.w.Add("%s:%d: %s %s: %s is not a readable regular file; not read", file, d.Line, d.Name, pat, b)
			}
			l.unread = append(l.unread, bad...)
			if err != nil {
				l.w.Add("%s:%d: %s %s: %v", file, d.Line, d.Name, pat, err)
				l.unread = append(l.unread, pat)
				continue
			}
			if len(names) == 0 && !optional && !hasMeta(pat) {
				l.w.Add("%s:%d: %s %s: no such file", file, d.Line, d.Name, pat)
			}
			for _, n := range names {
				out = append(out, l.load(ctx, n)...)
			}
			continue
		}
		if d.HasBlock {
			d.Block = l.expand(ctx, file, d.Block)
		}
		out = append(out, d)
	}
	return out
}

// hasMeta reports whether pattern holds a glob character.
func hasMeta(pattern string) bool { return strings.ContainsAny(pattern, `*?[\`) }

// globRoot returns the regular files matching pattern (shell wildcards
// allowed in any component) through root, sorted; a directory named
// without wildcards stands for the files in it, as in Apache's Include.
// Names starting with "." match only a pattern starting with ".".
func globRoot(root *hostroot.Root, pattern string) (files, bad []string, err error) {
	parts := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	matches := []string{"/"}
	for _, part := range parts {
		var next []string
		for _, dir := range matches {
			if !hasMeta(part) {
				next = append(next, path.Join(dir, part))
				continue
			}
			ents, err := root.ReadDir(dir)
			if err != nil {
				if _, lerr := root.Lstat(dir); lerr == nil {
					bad = append(bad, dir) // there, but not a readable directory
				}
				continue
			}
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(part, ".") {
					continue
				}
				ok, err := path.Match(part, e.Name())
				if err != nil {
					return nil, nil, err
				}
				if ok {
					next = append(next, path.Join(dir, e.Name()))
				}
			}
		}
		matches = next
	}
	for _, m := range matches {
		fi, err := root.Stat(m)
		switch {
		case err != nil:
			if _, lerr := root.Lstat(m); lerr == nil {
				bad = append(bad, m) // there, but cannot be read
			}
		case fi.Mode().IsRegular():
			files = append(files, m)
		case fi.IsDir() && hasMeta(pattern):
			bad = append(bad, m) // a directory where a file was matched
		case fi.IsDir():
			ents, err := root.ReadDir(m)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range ents {
				if fi, err := root.Stat(path.Join(m, e.Name())); err == nil && fi.Mode().IsRegular() {
					files = append(files, path.Join(m, e.Name()))
				}
			}
		}
	}
	slices.Sort(files)
	return files, bad, nil
}

// nginxInclude recognises nginx's include directive.
func nginxInclude(d directive) (string, bool, bool) {
	if d.Name == "include" && !d.HasBlock && len(d.Args) == 1 {
		return d.Args[0], false, true
	}
	return "", false, false
}

// apacheInclude recognises Apache's Include and IncludeOptional.
func apacheInclude(d directive) (string, bool, bool) {
	if d.HasBlock || len(d.Args) != 1 {
		return "", false, false
	}
	switch strings.ToLower(d.Name) {
	case "include":
		return d.Args[0], false, true
	case "includeoptional":
		return d.Args[0], true, true
	}
	return "", false, false
}

// webConfigs are where each web server's main configuration may be, with
// the directory its relative includes start from.
var webConfigs = []struct {
	server string
	main   string
	base   string
}{
	{"nginx", "/etc/nginx/nginx.conf", "/etc/nginx"},
	{"apache", "/etc/apache2/apache2.conf", "/etc/apache2"},
	{"apache", "/etc/httpd/conf/httpd.conf", "/etc/httpd"},
}

// readWebServers reads every web server configuration present. A server
// whose main file is missing is left out: absent is a fact.
func readWebServers(ctx context.Context, root *hostroot.Root, w *sdk.Warnings) []WebServer {
	out := []WebServer{}
	for _, c := range webConfigs {
		l := &configLoader{root: root, base: c.base, w: w, parse: parseNginx, include: nginxInclude}
		if c.server == "apache" {
			l.parse, l.include = parseApache, apacheInclude
		}
		dirs := l.load(ctx, c.main)
		if len(l.files) == 0 && len(l.unread) == 0 {
			continue
		}
		ws := WebServer{Name: c.server, ConfigFiles: l.files, Unread: l.unread}
		if ws.ConfigFiles == nil {
			ws.ConfigFiles = []string{}
		}
		if c.server == "nginx" {
			ws.Roots = nginxRoots(dirs, w)
		} else {
			ws.Roots = apacheRoots(dirs, w)
		}
		if ws.Roots == nil {
			ws.Roots = []WebRoot{}
		}
		out = append(out, ws)
	}
	return out
}
