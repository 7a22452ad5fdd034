package sshdconfig

import (
	"errors"
	"fmt"
	"strings"
)

// Directive is one keyword line of an sshd_config file.
type Directive struct {
	Line    int
	Keyword string // lower-cased
	Args    []string
}

// Problem is a line that could not be split.
type Problem struct {
	Line   int
	Reason string
}

// Parse splits an sshd_config file into directives. The keyword may be
// followed by blanks or "="; arguments may be quoted. Lines that cannot be
// split are returned as problems and left out.
func Parse(data []byte) ([]Directive, []Problem) {
	var out []Directive
	var problems []Problem
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if t == "" || t[0] == '#' {
			continue
		}
		j := strings.IndexAny(t, " \t=")
		if j < 0 {
			out = append(out, Directive{Line: n, Keyword: strings.ToLower(t)})
			continue
		}
		kw, rest := t[:j], strings.TrimLeft(t[j:], " \t")
		if kw == "" {
			problems = append(problems, Problem{n, fmt.Sprintf("no keyword before %q", t[:1])})
			continue
		}
		rest = strings.TrimLeft(strings.TrimPrefix(rest, "="), " \t")
		args, err := SplitArgs(rest)
		if err != nil {
			problems = append(problems, Problem{n, fmt.Sprintf("%s: %v", kw, err)})
			continue
		}
		out = append(out, Directive{Line: n, Keyword: strings.ToLower(kw), Args: args})
	}
	return out, problems
}

// SplitArgs splits blank-separated arguments; single or double quotes
// group, a backslash escapes a quote, a blank or a backslash, and an
// unquoted "#" at the start of an argument starts a comment.
func SplitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote, inArg = c, true
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\"' \\", s[i+1]) >= 0:
			i++
			cur.WriteByte(s[i])
			inArg = true
		case quote == 0 && (c == ' ' || c == '\t'):
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case quote == 0 && c == '#' && !inArg:
			return args, nil
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}
