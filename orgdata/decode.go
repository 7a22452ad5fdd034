package orgdata

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// DateLayout is how every date in organisation data is written:
// "YYYY-MM-DD".
const DateLayout = "2006-01-02"

// decoder reads one YAML file node by node, so that every problem can
// name its line, and collects the problems.
type decoder struct {
	problems
}

func newDecoder(file string) *decoder { return &decoder{problems{file: file}} }

// yamlLine finds the line in yaml.v3's syntax errors ("yaml: line 3: ...").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses data as one YAML document whose top level is a mapping
// with the single key top (the data.org key the file provides), and
// returns the value under it; nil after recording a problem. none is how
// to write the kind with nothing in it ("[]" or "{}"), for the error
// about an empty file.
func (d *decoder) document(data []byte, top, none string) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.add(1, "", "the file is empty: want the key %q (write \"%s: %s\" for none)", top, top, none)
			return nil
		}
		d.syntax(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.add(extra.Line, "", "more than one YAML document: want exactly one")
		return nil
	} else if !errors.Is(err, io.EOF) {
		d.syntax(err)
		return nil
	}
	if alias := findAlias(&doc); alias != nil {
		d.add(alias.Line, "", "YAML aliases (*%s) are not supported: write the value out in full", alias.Value)
		return nil
	}
	root := resolve(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = resolve(root.Content[0])
	}
	fields, ok := d.mapping(root, "", top)
	if !ok {
		return nil
	}
	v, ok := fields[top]
	if !ok {
		d.add(root.Line, "", "missing the top-level key %q", top)
		return nil
	}
	if v.Tag == "!!null" {
		d.add(v.Line, top, "is empty (write \"%s: %s\" for none)", top, none)
		return nil
	}
	return v
}

// syntax records a YAML syntax error with its line when it has one.
func (d *decoder) syntax(err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.add(line, "", "invalid YAML: %s", m[2])
		return
	}
	d.add(0, "", "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

// findAlias returns the first alias in n. Aliases are refused: each one
// can stand for a large subtree, so a small upload could make the parsers
// walk (and store) billions of nodes.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

// resolve follows YAML aliases to the node they stand for. document
// refuses aliases, so this only guards the helpers against a node that
// did not come through it.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// kindName names a node's kind for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

// join builds a field path: join("covers", "hosts") is "covers.hosts".
func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// mapping checks that n is a mapping whose keys are among known, each at
// most once, and returns its values by key. Unknown and repeated keys are
// recorded as problems (and left out); ok is false only when n is not a
// mapping at all.
func (d *decoder) mapping(n *yaml.Node, field string, known ...string) (map[string]*yaml.Node, bool) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, field, "want a mapping, got %s", kindName(n))
		return nil, false
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.add(k.Line, field, "want a plain key, got %s", kindName(k))
			continue
		}
		key := k.Value
		if first, dup := seen[key]; dup {
			d.add(k.Line, join(field, key), "given twice (first on line %d)", first)
			continue
		}
		seen[key] = k.Line
		if !slices.Contains(known, key) {
			d.add(k.Line, join(field, key), "unknown field (want %s)", strings.Join(known, ", "))
			continue
		}
		out[key] = v
	}
	return out, true
}

// scalar returns n's text, trimmed; it records a problem and returns false
// when n is not a non-empty scalar.
func (d *decoder) scalar(n *yaml.Node, field string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		d.add(n.Line, field, "want a single value, got %s", kindName(n))
		return "", false
	}
	s := strings.TrimSpace(n.Value)
	if n.Tag == "!!null" || s == "" {
		d.add(n.Line, field, "is empty")
		return "", false
	}
	return s, true
}

// text is a scalar on one line without control characters: names, IDs,
// owners.
func (d *decoder) text(n *yaml.Node, field string) (string, bool) {
	s, ok := d.scalar(n, field)
	if !ok {
		return "", false
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		d.add(resolve(n).Line, field, "%q contains a line break or control character", s)
		return "", false
	}
	return s, true
}

// word is a scalar without spaces or control characters: user names,
// branch names.
func (d *decoder) word(n *yaml.Node, field string) (string, bool) {
	s, ok := d.scalar(n, field)
	if !ok {
		return "", false
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		d.add(resolve(n).Line, field, "%q contains a space or control character", s)
		return "", false
	}
	return s, true
}

// pattern checks s against re, recording why when it does not match.
func (d *decoder) pattern(line int, field, s string, re *regexp.Regexp, want string) bool {
	if !re.MatchString(s) {
		d.add(line, field, "%q is not %s", s, want)
		return false
	}
	return true
}

// id is an identifier: a plan, store or waiver ID.
var id = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)

const idWant = "a valid ID (letters, digits, '.', '_', ':', '-'; at most 64; starting with a letter or digit)"

// hostName is a host name as the host reports it.
var hostName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$`)

// tagKey is a host tag key.
var tagKey = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$`)

// identifier reads an ID field.
func (d *decoder) identifier(n *yaml.Node, field string) (string, bool) {
	s, ok := d.scalar(n, field)
	if !ok || !d.pattern(resolve(n).Line, field, s, id, idWant) {
		return "", false
	}
	return s, true
}

// integer reads a whole number in [lo, hi].
func (d *decoder) integer(n *yaml.Node, field string, lo, hi int) (int, bool) {
	s, ok := d.scalar(n, field)
	if !ok {
		return 0, false
	}
	n = resolve(n)
	var v int
	if n.Tag != "!!int" || n.Decode(&v) != nil {
		d.add(n.Line, field, "%q is not a whole number", s)
		return 0, false
	}
	if v < lo || v > hi {
		d.add(n.Line, field, "%d is out of range: want %d to %d", v, lo, hi)
		return 0, false
	}
	return v, true
}

// boolean reads true or false.
func (d *decoder) boolean(n *yaml.Node, field string) (bool, bool) {
	s, ok := d.scalar(n, field)
	if !ok {
		return false, false
	}
	n = resolve(n)
	var b bool
	if n.Tag != "!!bool" || n.Decode(&b) != nil {
		d.add(n.Line, field, "%q is not true or false", s)
		return false, false
	}
	return b, true
}

// date reads a "YYYY-MM-DD" date that exists in the calendar.
func (d *decoder) date(n *yaml.Node, field string) (time.Time, bool) {
	s, ok := d.scalar(n, field)
	if !ok {
		return time.Time{}, false
	}
	t, err := parseDate(s)
	if err != nil {
		d.add(resolve(n).Line, field, "%s", err)
		return time.Time{}, false
	}
	return t, true
}

// parseDate parses a "YYYY-MM-DD" date that exists in the calendar, as
// 00:00 UTC that day.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}

// list reads a sequence (an empty one is fine).
func (d *decoder) list(n *yaml.Node, field string) ([]*yaml.Node, bool) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.add(n.Line, field, "want a list, got %s", kindName(n))
		return nil, false
	}
	return n.Content, true
}

// globs reads a non-empty list of host name patterns: *, ? and [a-z]
// classes, the part of the syntax Go's path.Match (waivers) and OPA's
// glob.match without delimiters (plans, admins, stores in the policies)
// read the same way.
func (d *decoder) globs(n *yaml.Node, field string) ([]string, bool) {
	items, ok := d.list(n, field)
	if !ok {
		return nil, false
	}
	if len(items) == 0 {
		d.add(resolve(n).Line, field, "is an empty list: want at least one host name pattern")
		return nil, false
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		s, ok := d.word(item, f)
		if !ok {
			continue
		}
		if _, err := path.Match(s, ""); err != nil {
			d.add(resolve(item).Line, f, "%q is not a valid pattern (want *, ? and [a-z] classes)", s)
			continue
		}
		if strings.ContainsAny(s, "{}\\") || strings.Contains(s, "[!") || strings.Contains(s, "[^") {
			d.add(resolve(item).Line, f, "%q uses {}, \\ or a negated class, which Go and the policies' glob.match read differently: use only *, ? and [a-z] classes", s)
			continue
		}
		out = append(out, s)
	}
	return out, len(out) == len(items)
}

// tags reads a mapping of host tags, key to value, both strings.
func (d *decoder) tags(n *yaml.Node, field string) (map[string]string, bool) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, field, "want a mapping of tag to value, got %s", kindName(n))
		return nil, false
	}
	out := make(map[string]string, len(n.Content)/2)
	before := len(d.errs)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && strings.TrimSpace(k.Value) == "" {
			d.add(k.Line, field, "a tag name is empty")
			continue
		}
		key, ok := d.scalar(k, field)
		if !ok || !d.pattern(k.Line, join(field, key), key, tagKey, "a valid tag name (letters, digits, '.', '_', '/', '-')") {
			continue
		}
		if first, dup := seen[key]; dup {
			d.add(k.Line, join(field, key), "given twice (first on line %d)", first)
			continue
		}
		seen[key] = k.Line
		if val, ok := d.text(v, join(field, key)); ok {
			out[key] = val
		}
	}
	return out, len(d.errs) == before
}

// duplicates remembers the line where each value was first seen, per
// kind of value.
type duplicates map[string]int

func newDuplicates() *duplicates { return &duplicates{} }

// see records value at line and reports the line of an earlier one.
func (d *duplicates) see(kind, value string, line int) (first int, dup bool) {
	k := kind + "\x00" + value
	if first, ok := (*d)[k]; ok {
		return first, true
	}
	(*d)[k] = line
	return 0, false
}
