package accounts

import (
	"errors"
	"fmt"
	"strings"
)

// sudoItem is one member of a sudoers list: a user, group, host, run-as
// target, command or alias name, possibly negated with "!".
type sudoItem struct {
	Negated bool
	Value   string
}

// String returns the item as written, with "!" for a negation.
func (it sudoItem) String() string {
	if it.Negated {
		return "!" + it.Value
	}
	return it.Value
}

// sudoAlias is one alias definition, e.g. "User_Alias ADMINS = alice, %ops".
type sudoAlias struct {
	Kind  string // "User_Alias", "Runas_Alias", "Host_Alias" or "Cmnd_Alias"
	Name  string
	Items []sudoItem
	Line  int
}

// sudoCmnd is one command of a user specification with the run-as list
// and NOPASSWD tag in force for it (both carry over from the previous
// command in the same list, as in sudo).
type sudoCmnd struct {
	RunAs    string // inside the parentheses, blanks removed; "" when none
	Nopasswd bool
	Cmnd     sudoItem
}

// sudoSpec is one user specification ("who where = (as whom) what").
type sudoSpec struct {
	Line  int
	Users []sudoItem
	Cmnds []sudoCmnd
}

// sudoInclude is an #include, @include, #includedir or @includedir line.
type sudoInclude struct {
	Line int
	Path string
	Dir  bool
}

// sudoersFile is what one sudoers file says.
type sudoersFile struct {
	Aliases  []sudoAlias
	Specs    []sudoSpec
	Includes []sudoInclude
}

// sudoTags are the sudoers tag names; only PASSWD and NOPASSWD matter here.
var sudoTags = map[string]bool{
	"NOPASSWD": true, "PASSWD": true, "NOEXEC": true, "EXEC": true,
	"SETENV": true, "NOSETENV": true, "LOG_INPUT": true, "NOLOG_INPUT": true,
	"LOG_OUTPUT": true, "NOLOG_OUTPUT": true, "MAIL": true, "NOMAIL": true,
	"FOLLOW": true, "NOFOLLOW": true, "INTERCEPT": true, "NOINTERCEPT": true,
}

// sudoOptions are the per-command option names that take "=value".
var sudoOptions = map[string]bool{
	"ROLE": true, "TYPE": true, "TIMEOUT": true, "NOTBEFORE": true,
	"NOTAFTER": true, "CWD": true, "CHROOT": true, "APPARMOR_PROFILE": true,
	"PRIVS": true, "LIMITPRIVS": true,
}

// sudoAliasKinds maps alias keywords to their kind.
var sudoAliasKinds = map[string]string{
	"User_Alias":  "User_Alias",
	"Runas_Alias": "Runas_Alias",
	"Host_Alias":  "Host_Alias",
	"Cmnd_Alias":  "Cmnd_Alias",
	"Cmd_Alias":   "Cmnd_Alias",
}

// parseSudoers parses one sudoers file. Lines it cannot parse are
// reported and skipped; Defaults lines are ignored.
func parseSudoers(data []byte) (sudoersFile, []lineError) {
	var out sudoersFile
	var errs []lineError
	for _, ll := range sudoersLines(data) {
		if err := parseSudoersLine(&out, ll.text, ll.line); err != nil {
			errs = append(errs, lineError{ll.line, err.Error()})
		}
	}
	return out, errs
}

// logicalLine is a sudoers line with its continuations joined.
type logicalLine struct {
	line int
	text string
}

// sudoersLines joins backslash-continued lines. A comment line is never
// continued.
func sudoersLines(data []byte) []logicalLine {
	var out []logicalLine
	var cur strings.Builder
	start := 0
	forEachLine(data, func(n int, line string) {
		if cur.Len() == 0 {
			start = n
			if isSudoComment(strings.TrimSpace(line)) {
				out = append(out, logicalLine{n, line})
				return
			}
		}
		t := strings.TrimRight(line, " \t")
		if endsWithContinuation(t) {
			cur.WriteString(t[:len(t)-1])
			cur.WriteByte(' ')
			return
		}
		cur.WriteString(line)
		out = append(out, logicalLine{start, cur.String()})
		cur.Reset()
	})
	if cur.Len() > 0 {
		out = append(out, logicalLine{start, cur.String()})
	}
	return out
}

// endsWithContinuation reports whether s ends in an odd number of
// backslashes.
func endsWithContinuation(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// isSudoComment reports whether a trimmed line is a comment: it starts
// with "#" that is neither an include directive nor a "#uid".
func isSudoComment(t string) bool {
	if t == "" || t[0] != '#' {
		return false
	}
	if _, _, ok := includeDirective(t); ok {
		return false
	}
	return len(t) == 1 || !isDigit(t[1])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// includeDirective recognises an include line and returns its path
// argument and whether it names a directory.
func includeDirective(t string) (arg string, dir bool, ok bool) {
	for _, kw := range []string{"#includedir", "@includedir", "#include", "@include"} {
		rest, found := strings.CutPrefix(t, kw)
		if !found || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		return strings.TrimSpace(rest), strings.HasSuffix(kw, "dir"), true
	}
	return "", false, false
}

func parseSudoersLine(out *sudoersFile, text string, line int) error {
	t := strings.TrimSpace(text)
	if t == "" || isSudoComment(t) {
		return nil
	}
	if arg, dir, ok := includeDirective(t); ok {
		p := includePath(arg)
		if p == "" {
			return errors.New("include without a path")
		}
		out.Includes = append(out.Includes, sudoInclude{Line: line, Path: p, Dir: dir})
		return nil
	}
	t = strings.TrimSpace(stripSudoComment(t))
	if t == "" {
		return nil
	}
	if isDefaults(t) {
		return nil
	}
	kw, rest := t, ""
	if i := strings.IndexAny(t, " \t"); i >= 0 {
		kw, rest = t[:i], t[i:]
	}
	if kind, ok := sudoAliasKinds[kw]; ok {
		as, err := parseAliasDefs(kind, rest, line)
		if err != nil {
			return fmt.Errorf("%s: %w", kw, err)
		}
		out.Aliases = append(out.Aliases, as...)
		return nil
	}
	spec, err := parseUserSpec(t)
	if err != nil {
		return fmt.Errorf("user specification: %w", err)
	}
	spec.Line = line
	out.Specs = append(out.Specs, spec)
	return nil
}

// includePath takes the path of an include directive: a double-quoted
// string or a word in which backslash escapes a blank.
func includePath(arg string) string {
	if strings.HasPrefix(arg, `"`) {
		if end := strings.IndexByte(arg[1:], '"'); end >= 0 {
			return arg[1 : 1+end]
		}
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if c == '\\' && i+1 < len(arg) {
			i++
			b.WriteByte(arg[i])
			continue
		}
		if c == ' ' || c == '\t' {
			break
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isDefaults reports whether t is a Defaults line ("Defaults",
// "Defaults:user", "Defaults@host", "Defaults!cmnd", "Defaults>runas").
func isDefaults(t string) bool {
	rest, ok := strings.CutPrefix(t, "Defaults")
	return ok && (rest == "" || strings.ContainsRune(" \t:@!>", rune(rest[0])))
}

// stripSudoComment removes a trailing comment: an unquoted, unescaped "#"
// not followed by a digit (which would be a UID or GID).
func stripSudoComment(t string) string {
	inQuote := false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case c == '#' && !inQuote:
			if i+1 < len(t) && (isDigit(t[i+1]) || t[i+1] == '-' && i+2 < len(t) && isDigit(t[i+2])) {
				continue
			}
			return t[:i]
		}
	}
	return t
}

// sudoScanner walks one logical sudoers line.
type sudoScanner struct {
	s string
	i int
}

func (sc *sudoScanner) eof() bool { return sc.i >= len(sc.s) }

func (sc *sudoScanner) peek() byte {
	if sc.eof() {
		return 0
	}
	return sc.s[sc.i]
}

func (sc *sudoScanner) skipSpace() {
	for !sc.eof() && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
}

func (sc *sudoScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("column %d: %s", sc.i+1, fmt.Sprintf(format, args...))
}

// word reads a name up to a blank or an unescaped byte in stop. Double
// quotes enclose literal text; a backslash escapes the next byte. A
// leading "%:" (non-Unix group) is part of the word.
func (sc *sudoScanner) word(stop string) string {
	var b strings.Builder
	if strings.HasPrefix(sc.s[sc.i:], "%:") {
		b.WriteString("%:")
		sc.i += 2
	}
	for !sc.eof() {
		c := sc.s[sc.i]
		switch {
		case c == '\\' && sc.i+1 < len(sc.s):
			b.WriteByte(sc.s[sc.i+1])
			sc.i += 2
			continue
		case c == '"':
			end := strings.IndexByte(sc.s[sc.i+1:], '"')
			if end < 0 {
				b.WriteString(sc.s[sc.i+1:])
				sc.i = len(sc.s)
				return b.String()
			}
			b.WriteString(sc.s[sc.i+1 : sc.i+1+end])
			sc.i += end + 2
			continue
		case c == ' ' || c == '\t' || strings.IndexByte(stop, c) >= 0:
			return b.String()
		}
		b.WriteByte(c)
		sc.i++
	}
	return b.String()
}

// negation reads any "!" prefixes (blanks allowed between) and reports
// whether their count is odd.
func (sc *sudoScanner) negation() bool {
	neg := false
	for {
		sc.skipSpace()
		if sc.peek() != '!' {
			return neg
		}
		neg = !neg
		sc.i++
	}
}

// list reads a comma-separated list of names.
func (sc *sudoScanner) list() ([]sudoItem, error) {
	var items []sudoItem
	for {
		neg := sc.negation()
		w := sc.word(",:=()!")
		if w == "" {
			return nil, sc.errorf("expected a name")
		}
		items = append(items, sudoItem{Negated: neg, Value: w})
		sc.skipSpace()
		if sc.peek() != ',' {
			return items, nil
		}
		sc.i++
	}
}

// upperWord returns the [A-Z_][A-Z0-9_]* word at the cursor without
// consuming it.
func (sc *sudoScanner) upperWord() string {
	j := sc.i
	for j < len(sc.s) {
		c := sc.s[j]
		if c >= 'A' && c <= 'Z' || c == '_' || j > sc.i && c >= '0' && c <= '9' {
			j++
			continue
		}
		break
	}
	return sc.s[sc.i:j]
}

// keyword consumes a known upper-case word followed by sep (blanks
// allowed before sep) and returns it.
func (sc *sudoScanner) keyword(known map[string]bool, sep byte) (string, bool) {
	w := sc.upperWord()
	if !known[w] {
		return "", false
	}
	j := sc.i + len(w)
	for j < len(sc.s) && (sc.s[j] == ' ' || sc.s[j] == '\t') {
		j++
	}
	if j >= len(sc.s) || sc.s[j] != sep {
		return "", false
	}
	sc.i = j + 1
	return w, true
}

// runAs reads "( ... )" and returns its content with blanks removed.
func (sc *sudoScanner) runAs() (string, error) {
	sc.i++ // '('
	end := strings.IndexByte(sc.s[sc.i:], ')')
	if end < 0 {
		return "", sc.errorf("unterminated run-as list")
	}
	r := strings.Join(strings.Fields(sc.s[sc.i:sc.i+end]), "")
	sc.i += end + 1
	return r, nil
}

// digestPrefixes start a command digest such as "sha256:BASE64 /bin/ls".
var digestPrefixes = []string{"sha224:", "sha256:", "sha384:", "sha512:"}

// command reads one command with its arguments, up to an unescaped "," or
// ":". Runs of blanks are folded to one.
func (sc *sudoScanner) command() string {
	var b strings.Builder
	sc.skipSpace()
	for _, p := range digestPrefixes {
		if strings.HasPrefix(sc.s[sc.i:], p) {
			start := sc.i
			sc.i += len(p)
			for !sc.eof() && sc.s[sc.i] != ' ' && sc.s[sc.i] != '\t' && sc.s[sc.i] != ',' {
				sc.i++
			}
			b.WriteString(sc.s[start:sc.i])
			b.WriteByte(' ')
			sc.skipSpace()
			break
		}
	}
	blank := false
	for !sc.eof() {
		c := sc.s[sc.i]
		if c == ',' || c == ':' {
			break
		}
		if c == ' ' || c == '\t' {
			blank = true
			sc.i++
			continue
		}
		if blank && b.Len() > 0 {
			b.WriteByte(' ')
		}
		blank = false
		if c == '\\' && sc.i+1 < len(sc.s) {
			n := sc.s[sc.i+1]
			if strings.IndexByte(`,:=\`, n) < 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(n)
			sc.i += 2
			continue
		}
		b.WriteByte(c)
		sc.i++
	}
	return strings.TrimSpace(b.String())
}

// parseUserSpec parses "User_List Host_List = Cmnd_Spec_List [: Host_List
// = Cmnd_Spec_List ...]".
func parseUserSpec(t string) (sudoSpec, error) {
	sc := &sudoScanner{s: t}
	var spec sudoSpec
	users, err := sc.list()
	if err != nil {
		return spec, fmt.Errorf("users: %w", err)
	}
	spec.Users = users
	if err := sc.hostsEq(); err != nil {
		return spec, err
	}
	runAs, nopasswd := "", false
	for {
		sc.skipSpace()
		if sc.peek() == '(' {
			if runAs, err = sc.runAs(); err != nil {
				return spec, err
			}
		}
		for {
			sc.skipSpace()
			if _, ok := sc.keyword(sudoOptions, '='); ok {
				sc.word(",:")
				continue
			}
			if tag, ok := sc.keyword(sudoTags, ':'); ok {
				switch tag {
				case "NOPASSWD":
					nopasswd = true
				case "PASSWD":
					nopasswd = false
				}
				continue
			}
			break
		}
		neg := sc.negation()
		cmd := sc.command()
		if cmd == "" {
			return spec, sc.errorf("expected a command")
		}
		spec.Cmnds = append(spec.Cmnds, sudoCmnd{RunAs: runAs, Nopasswd: nopasswd, Cmnd: sudoItem{Negated: neg, Value: cmd}})
		sc.skipSpace()
		switch sc.peek() {
		case 0:
			return spec, nil
		case ',':
			sc.i++
		case ':':
			// A new "Host_List = Cmnd_Spec_List" starts afresh.
			sc.i++
			if err := sc.hostsEq(); err != nil {
				return spec, err
			}
			runAs, nopasswd = "", false
		default:
			return spec, sc.errorf("unexpected %q", sc.peek())
		}
	}
}

// hostsEq reads a host list and the "=" after it.
func (sc *sudoScanner) hostsEq() error {
	if _, err := sc.list(); err != nil {
		return fmt.Errorf("hosts: %w", err)
	}
	sc.skipSpace()
	if sc.peek() != '=' {
		return sc.errorf("expected \"=\" after the host list")
	}
	sc.i++
	return nil
}

// parseAliasDefs parses "NAME = item, ... [: NAME = item, ...]".
func parseAliasDefs(kind, rest string, line int) ([]sudoAlias, error) {
	sc := &sudoScanner{s: rest}
	var out []sudoAlias
	for {
		sc.skipSpace()
		name := sc.upperWord()
		if name == "" || name[0] == '_' {
			return nil, sc.errorf("expected an alias name")
		}
		sc.i += len(name)
		sc.skipSpace()
		if sc.peek() != '=' {
			return nil, sc.errorf("expected \"=\" after %s", name)
		}
		sc.i++
		a := sudoAlias{Kind: kind, Name: name, Line: line}
		if kind == "Cmnd_Alias" {
			for {
				neg := sc.negation()
				cmd := sc.command()
				if cmd == "" {
					return nil, sc.errorf("expected a command")
				}
				a.Items = append(a.Items, sudoItem{Negated: neg, Value: cmd})
				if sc.peek() != ',' {
					break
				}
				sc.i++
			}
		} else {
			items, err := sc.list()
			if err != nil {
				return nil, err
			}
			a.Items = items
		}
		out = append(out, a)
		sc.skipSpace()
		switch sc.peek() {
		case 0:
			return out, nil
		case ':':
			sc.i++
		default:
			return nil, sc.errorf("unexpected %q", sc.peek())
		}
	}
}
