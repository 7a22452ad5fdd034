package exposure

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// parseApache parses an Apache httpd configuration file into directives:
// one per logical line (a trailing backslash continues it), "#" comment
// lines skipped, and sections such as <Directory "/srv"> ... </Directory>
// as directives with a block. Arguments may be quoted with " or '. On a
// syntax error it returns the directives read so far with the error.
func parseApache(data []byte) ([]directive, error) {
	var stack []apacheFrame
	var top []directive
	cur := func() *[]directive {
		if len(stack) == 0 {
			return &top
		}
		return &stack[len(stack)-1].dirs
	}
	lines := bytes.Split(data, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		text := strings.TrimRight(string(lines[i]), "\r")
		for strings.HasSuffix(text, "\\") && i+1 < len(lines) {
			i++
			text = text[:len(text)-1] + strings.TrimRight(string(lines[i]), "\r")
		}
		text = strings.TrimSpace(text)
		if text == "" || text[0] == '#' {
			continue
		}
		if strings.HasPrefix(text, "</") {
			name := strings.TrimSpace(strings.TrimSuffix(text[2:], ">"))
			if len(stack) == 0 || !strings.EqualFold(stack[len(stack)-1].d.Name, name) {
				return closeAll(top, stack), fmt.Errorf("line %d: unexpected </%s>", lineNo, name)
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			f.d.Block = f.dirs
			*cur() = append(*cur(), f.d)
			continue
		}
		if text[0] == '<' {
			body, ok := strings.CutSuffix(text[1:], ">")
			if !ok {
				return closeAll(top, stack), fmt.Errorf("line %d: section without \">\"", lineNo)
			}
			f := apacheFields(body)
			if len(f) == 0 {
				return closeAll(top, stack), fmt.Errorf("line %d: section without a name", lineNo)
			}
			if len(stack) >= maxBlockDepth {
				return closeAll(top, stack), fmt.Errorf("line %d: sections nested more than %d deep", lineNo, maxBlockDepth)
			}
			stack = append(stack, apacheFrame{d: directive{Name: f[0], Args: f[1:], Line: lineNo, HasBlock: true}, dirs: []directive{}})
			continue
		}
		f := apacheFields(text)
		*cur() = append(*cur(), directive{Name: f[0], Args: f[1:], Line: lineNo})
	}
	if len(stack) > 0 {
		f := stack[len(stack)-1]
		return closeAll(top, stack), fmt.Errorf("line %d: <%s> is not closed", f.d.Line, f.d.Name)
	}
	return top, nil
}

// apacheFrame is an open section and the directives read in it so far.
type apacheFrame struct {
	d    directive
	dirs []directive
}

// closeAll closes the open sections of a file that ended early, so their
// directives are still seen.
func closeAll(top []directive, stack []apacheFrame) []directive {
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		f.d.Block = f.dirs
		if len(stack) == 0 {
			top = append(top, f.d)
		} else {
			stack[len(stack)-1].dirs = append(stack[len(stack)-1].dirs, f.d)
		}
	}
	return top
}

// apacheFields splits a line into words; "..." or '...' quote a word,
// with backslash escaping the quote.
func apacheFields(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		var b strings.Builder
		if c == '"' || c == '\'' {
			i++
			for i < len(s) && s[i] != c {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == c || s[i+1] == '\\') {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			i++ // the closing quote, if any
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' {
				b.WriteByte(s[i])
				i++
			}
		}
		out = append(out, b.String())
	}
	return out
}

// apacheDirOptions is the Options of one <Directory> section or of the
// server configuration (Dir "").
type apacheDirOptions struct {
	Dir  string
	Args [][]string // each Options directive's arguments, in order
}

// apacheRoots returns the DocumentRoot and Alias directives of an Apache
// configuration whose includes are already expanded, with whether
// directory listing (Options Indexes) is on for each directory served.
// Sections other than <Directory> (VirtualHost, IfModule, ...) are read
// as if their conditions held.
func apacheRoots(dirs []directive, w *sdk.Warnings) []WebRoot {
	var roots []WebRoot
	opts := []apacheDirOptions{{Dir: ""}}
	// section is the index in opts of the enclosing <Directory>, 0 for
	// the server configuration.
	var walk func(dirs []directive, section int)
	walk = func(dirs []directive, section int) {
		for _, d := range dirs {
			name := strings.ToLower(d.Name)
			switch {
			case d.HasBlock && name == "directory":
				if len(d.Args) != 1 {
					continue // <Directory ~ regex> is not followed
				}
				dir, ok := servedPath(d.Args[0])
				if !ok {
					continue
				}
				opts = append(opts, apacheDirOptions{Dir: dir})
				walk(d.Block, len(opts)-1)
			case d.HasBlock && (name == "directorymatch" || name == "files" || name == "filesmatch" || name == "location" || name == "locationmatch"):
				// Not followed: they do not name whole directories.
			case d.HasBlock:
				walk(d.Block, section)
			case name == "options":
				opts[section].Args = append(opts[section].Args, d.Args)
			case name == "documentroot" && len(d.Args) == 1, name == "alias" && len(d.Args) == 2:
				p := d.Args[len(d.Args)-1]
				dir, ok := servedPath(p)
				if !ok {
					w.Add("%s:%d: %s %q is not a fixed absolute path; not checked", d.File, d.Line, d.Name, p)
					continue
				}
				r := WebRoot{Server: "apache", Directive: "DocumentRoot", Path: dir, Location: "/", File: d.File, Line: d.Line}
				if name == "alias" {
					r.Directive, r.Location = "Alias", d.Args[0]
				}
				roots = append(roots, r)
			}
		}
	}
	walk(dirs, 0)
	// Merge as Apache does: the server options, then <Directory> sections
	// shortest first, in configuration order among equals.
	slices.SortStableFunc(opts[1:], func(a, b apacheDirOptions) int {
		return strings.Count(a.Dir, "/") - strings.Count(b.Dir, "/")
	})
	for i := range roots {
		roots[i].Listing = apacheIndexes(opts, roots[i].Path)
	}
	return roots
}

// apacheIndexes reports whether Options Indexes is in effect for dir
// after merging the server options and every <Directory> at or above it.
func apacheIndexes(opts []apacheDirOptions, dir string) bool {
	on := false
	for _, o := range opts {
		if o.Dir != "" && !dirCovers(o.Dir, dir) {
			continue
		}
		for _, args := range o.Args {
			on = applyOptions(on, args)
		}
	}
	return on
}

// applyOptions applies one Options directive to the Indexes setting:
// arguments all prefixed with + or - change it, otherwise the list
// replaces it (All includes Indexes, None does not).
func applyOptions(on bool, args []string) bool {
	relative := len(args) > 0
	for _, a := range args {
		if !strings.HasPrefix(a, "+") && !strings.HasPrefix(a, "-") {
			relative = false
		}
	}
	if !relative {
		on = false
	}
	for _, a := range args {
		switch strings.ToLower(strings.TrimLeft(a, "+-")) {
		case "indexes", "all":
			on = !strings.HasPrefix(a, "-")
		}
	}
	return on
}

// dirCovers reports whether the <Directory> pattern pat (which may hold
// shell wildcards per component) names dir or a directory above it.
func dirCovers(pat, dir string) bool {
	if pat == "/" {
		return true
	}
	pp := strings.Split(strings.Trim(pat, "/"), "/")
	dp := strings.Split(strings.Trim(dir, "/"), "/")
	if len(pp) > len(dp) {
		return false
	}
	for i := range pp {
		if ok, err := path.Match(pp[i], dp[i]); err != nil || !ok {
			return false
		}
	}
	return true
}
