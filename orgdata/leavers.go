package orgdata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Leaver is someone who has left the organisation: from the day after
// LeftOn none of their access should remain.
type Leaver struct {
	// User is their account name on hosts; empty when only Email is known.
	User string
	// Email is their address, matched against key comments; may be empty
	// when User is given.
	Email string
	// LeftOn is their leave date (00:00 UTC).
	LeftOn time.Time
}

// ParseLeavers parses the leavers list: CSV when name ends in ".csv",
// YAML otherwise.
func ParseLeavers(name string, data []byte) ([]Leaver, error) {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return ParseLeaversCSV(name, data)
	}
	return ParseLeaversYAML(name, data)
}

// ParseLeaversYAML parses leavers.yaml: "leavers:" and a list of
// {user, email, left_on}.
func ParseLeaversYAML(name string, data []byte) ([]Leaver, error) {
	d := newDecoder(name)
	var out []Leaver
	if n := d.document(data, string(KindLeavers), "[]"); n != nil {
		out = d.leavers(n)
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) leavers(n *yaml.Node) []Leaver {
	items, ok := d.list(n, string(KindLeavers))
	if !ok {
		return nil
	}
	dups := newDuplicates()
	out := make([]Leaver, 0, len(items))
	for _, item := range items {
		fields, ok := d.mapping(item, "", "user", "email", "left_on")
		if !ok {
			continue
		}
		line := item.Line
		var l Leaver
		if v, ok := fields["user"]; ok {
			l.User, _ = d.word(v, "user")
		}
		if v, ok := fields["email"]; ok {
			if s, ok := d.word(v, "email"); ok && d.email(resolve(v).Line, s) {
				l.Email = s
			}
		}
		if _, u := fields["user"]; !u {
			if _, e := fields["email"]; !e {
				d.add(line, "user", "missing: give user, email or both")
			}
		}
		if v, ok := fields["left_on"]; ok {
			l.LeftOn, _ = d.date(v, "left_on")
		} else {
			d.add(line, "left_on", "missing")
		}
		d.leaverDups(dups, line, l)
		out = append(out, l)
	}
	return out
}

// email checks an address's shape: one @ with something either side.
func (d *decoder) email(line int, s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") || !strings.Contains(domain, ".") {
		d.add(line, "email", "%q is not an email address", s)
		return false
	}
	return true
}

// leaverDups refuses a user or email listed twice.
func (d *decoder) leaverDups(dups *duplicates, line int, l Leaver) {
	if l.User != "" {
		if first, dup := dups.see("user", l.User, line); dup {
			d.add(line, "user", "leaver %q listed twice (first on line %d)", l.User, first)
		}
	}
	if l.Email != "" {
		if first, dup := dups.see("email", strings.ToLower(l.Email), line); dup {
			d.add(line, "email", "leaver %q listed twice (first on line %d)", l.Email, first)
		}
	}
}

// leaverColumns are the columns of leavers.csv.
var leaverColumns = []string{"user", "email", "left_on"}

// ParseLeaversCSV parses leavers.csv: a header row naming the columns
// user, email and left_on (any order; email or user may be left out),
// then one leaver per row. Lines starting with # are comments.
func ParseLeaversCSV(name string, data []byte) ([]Leaver, error) {
	d := newDecoder(name)
	out := d.leaversCSV(bytes.TrimPrefix(data, []byte("\ufeff")))
	if err := d.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *decoder) leaversCSV(data []byte) []Leaver {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		d.add(1, "", "the file is empty: want a header row (user,email,left_on)")
		return nil
	}
	if err != nil {
		d.csvError(err)
		return nil
	}
	headerLine, _ := r.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(leaverColumns, h):
			d.add(headerLine, fmt.Sprintf("column %d", i+1), "unknown column %q (want %s)", header[i], strings.Join(leaverColumns, ", "))
		case col[h] != 0:
			d.add(headerLine, fmt.Sprintf("column %d", i+1), "column %q given twice", h)
		default:
			col[h] = i + 1 // 1-based, so that 0 means absent
		}
	}
	if col["left_on"] == 0 {
		d.add(headerLine, "left_on", "missing column")
	}
	if col["user"] == 0 && col["email"] == 0 {
		d.add(headerLine, "user", "missing column: want user, email or both")
	}
	if len(d.errs) > 0 {
		return nil
	}

	dups := newDuplicates()
	out := []Leaver{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			d.csvError(err)
			if len(d.errs) > maxErrors {
				break
			}
			continue
		}
		line, _ := r.FieldPos(0)
		get := func(c string) (string, int) {
			i := col[c] - 1
			if i < 0 {
				return "", line
			}
			l, _ := r.FieldPos(i)
			return strings.TrimSpace(rec[i]), l
		}
		var l Leaver
		user, userLine := get("user")
		email, emailLine := get("email")
		left, leftLine := get("left_on")
		switch {
		case user == "" && email == "":
			d.add(line, "user", "empty: give user, email or both")
		case strings.IndexFunc(user, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			d.add(userLine, "user", "%q contains a space or control character", user)
		default:
			l.User = user
		}
		if email != "" && d.email(emailLine, email) {
			l.Email = email
		}
		if left == "" {
			d.add(leftLine, "left_on", "empty")
		} else if t, err := parseDate(left); err != nil {
			d.add(leftLine, "left_on", "%s", err)
		} else {
			l.LeftOn = t
		}
		d.leaverDups(dups, line, l)
		out = append(out, l)
		if len(d.errs) > maxErrors {
			break
		}
	}
	return out
}

// csvError records an encoding/csv error with its line.
func (d *decoder) csvError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		d.add(pe.Line, fmt.Sprintf("column %d", pe.Column), "invalid CSV: %v", pe.Err)
		return
	}
	d.add(0, "", "invalid CSV: %v", err)
}

// policyData is one leaver as an item of data.org.leavers.
func (l Leaver) policyData() map[string]any {
	m := map[string]any{"left_on": l.LeftOn.Format(DateLayout)}
	if l.User != "" {
		m["user"] = l.User
	}
	if l.Email != "" {
		m["email"] = l.Email
	}
	return m
}
