package exposure

import (
	"fmt"
	"path"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// maxBlockDepth bounds block nesting in nginx and Apache configuration,
// so a hostile file cannot exhaust the stack.
const maxBlockDepth = 64

// directive is one configuration directive, with its block when it has
// one (nginx "server { ... }", Apache "<Directory ...> ... </Directory>").
type directive struct {
	Name     string
	Args     []string
	File     string
	Line     int
	HasBlock bool
	Block    []directive
}

// nginxToken is one lexical token of an nginx configuration file.
type nginxToken struct {
	text   string
	line   int
	quoted bool
	// punct is '{', '}' or ';' for those characters, 0 for words.
	punct byte
}

// lexNginx splits data into tokens: words (quoted with ' or " or bare,
// with backslash escapes), and the punctuation { } ;. "#" starts a
// comment to the end of the line outside a word.
func lexNginx(data []byte) ([]nginxToken, error) {
	var toks []nginxToken
	line := 1
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '{' || c == '}' || c == ';':
			toks = append(toks, nginxToken{text: string(c), line: line, punct: c})
			i++
		case c == '"' || c == '\'':
			start := line
			var b strings.Builder
			i++
			for {
				if i >= len(data) {
					return toks, fmt.Errorf("line %d: unterminated quoted string", start)
				}
				d := data[i]
				if d == c {
					i++
					break
				}
				if d == '\\' && i+1 < len(data) && (data[i+1] == c || data[i+1] == '\\') {
					i++
					d = data[i]
				}
				if d == '\n' {
					line++
				}
				b.WriteByte(d)
				i++
			}
			toks = append(toks, nginxToken{text: b.String(), line: start, quoted: true})
		default:
			var b strings.Builder
			for i < len(data) {
				d := data[i]
				if d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';' || d == '{' || d == '}' {
					break
				}
				if d == '\\' && i+1 < len(data) && data[i+1] != '\n' {
					i++
					d = data[i]
				}
				b.WriteByte(d)
				i++
			}
			toks = append(toks, nginxToken{text: b.String(), line: line})
		}
	}
	return toks, nil
}

// parseNginx parses an nginx configuration file into directives. On a
// syntax error it returns the directives read so far with the error.
func parseNginx(data []byte) ([]directive, error) {
	toks, err := lexNginx(data)
	p := &nginxParser{toks: toks}
	dirs, perr := p.block(0)
	if perr == nil && p.pos < len(p.toks) {
		perr = fmt.Errorf("line %d: unexpected \"}\"", p.toks[p.pos].line)
	}
	if err == nil {
		err = perr
	}
	return dirs, err
}

// nginxParser builds directives from tokens.
type nginxParser struct {
	toks []nginxToken
	pos  int
}

// block reads directives until a closing brace (left unread) or the end.
func (p *nginxParser) block(depth int) ([]directive, error) {
	if depth > maxBlockDepth {
		return nil, fmt.Errorf("line %d: blocks nested more than %d deep", p.toks[p.pos].line, maxBlockDepth)
	}
	var out []directive
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		switch t.punct {
		case '}':
			return out, nil
		case ';':
			p.pos++ // empty statement
			continue
		case '{':
			return out, fmt.Errorf("line %d: block without a directive name", t.line)
		}
		d := directive{Name: t.text, Line: t.line, Args: []string{}}
		p.pos++
	args:
		for {
			if p.pos >= len(p.toks) {
				return out, fmt.Errorf("line %d: %s: missing \";\"", d.Line, d.Name)
			}
			a := p.toks[p.pos]
			p.pos++
			switch a.punct {
			case ';':
				break args
			case '}':
				return out, fmt.Errorf("line %d: %s: unexpected \"}\"", a.line, d.Name)
			case '{':
				d.HasBlock = true
				inner, err := p.block(depth + 1)
				d.Block = inner
				if err != nil {
					return append(out, d), err
				}
				if p.pos >= len(p.toks) {
					return append(out, d), fmt.Errorf("line %d: %s: missing \"}\"", d.Line, d.Name)
				}
				p.pos++ // the closing brace
				break args
			default:
				d.Args = append(d.Args, a.text)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// nginxSkip are blocks whose contents never serve files over HTTP.
var nginxSkip = map[string]bool{
	"events": true, "stream": true, "mail": true, "map": true, "types": true,
	"upstream": true, "geo": true, "split_clients": true,
}

// nginxRoots returns the root and alias directives of an nginx
// configuration whose includes are already expanded, with the URL path
// each is served at and whether directory listing is on for it: autoindex
// inherited into its block, or turned on in a location below it that
// does not set its own root or alias.
func nginxRoots(dirs []directive, w *sdk.Warnings) []WebRoot {
	var out []WebRoot
	nginxWalk(dirs, "/", false, &out, w)
	return out
}

// nginxWalk collects roots from one block; loc is its URL path and
// autoindex the inherited autoindex setting.
func nginxWalk(dirs []directive, loc string, autoindex bool, out *[]WebRoot, w *sdk.Warnings) {
	for _, d := range dirs {
		if d.Name == "autoindex" && len(d.Args) == 1 {
			autoindex = strings.EqualFold(d.Args[0], "on")
		}
	}
	for _, d := range dirs {
		switch {
		case (d.Name == "root" || d.Name == "alias") && !d.HasBlock && len(d.Args) == 1:
			dir, ok := servedPath(d.Args[0])
			if !ok {
				w.Add("%s:%d: %s %q is not a fixed absolute path; not checked", d.File, d.Line, d.Name, d.Args[0])
				continue
			}
			*out = append(*out, WebRoot{
				Server: "nginx", Directive: d.Name, Path: dir, Location: loc,
				File: d.File, Line: d.Line,
				Listing: autoindex || nginxListingBelow(dirs, autoindex),
			})
		case d.HasBlock && d.Name == "location":
			l := loc
			if len(d.Args) > 0 {
				l = d.Args[len(d.Args)-1]
			}
			nginxWalk(d.Block, l, autoindex, out, w)
		case d.HasBlock && !nginxSkip[d.Name]:
			nginxWalk(d.Block, loc, autoindex, out, w)
		}
	}
}

// nginxListingBelow reports whether a block nested in dirs that inherits
// its root turns directory listing on.
func nginxListingBelow(dirs []directive, autoindex bool) bool {
	for _, d := range dirs {
		if !d.HasBlock || nginxSkip[d.Name] || setsRoot(d.Block) {
			continue
		}
		on := autoindex
		for _, c := range d.Block {
			if c.Name == "autoindex" && len(c.Args) == 1 {
				on = strings.EqualFold(c.Args[0], "on")
			}
		}
		if on || nginxListingBelow(d.Block, on) {
			return true
		}
	}
	return false
}

// setsRoot reports whether a block sets its own root or alias.
func setsRoot(dirs []directive) bool {
	for _, d := range dirs {
		if d.Name == "root" || d.Name == "alias" {
			return true
		}
	}
	return false
}

// servedPath cleans a configured directory; ok is false unless it is an
// absolute path without variables.
func servedPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "$\x00") {
		return "", false
	}
	return path.Clean(p), true
}
