package orgdata

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Error is one problem in an organisation data file.
type Error struct {
	// File is the file name as given to the parser.
	File string `json:"file"`
	// Line is the 1-based line of the problem, 0 when it concerns the
	// whole file.
	Line int `json:"line"`
	// Field names the field, e.g. "last_review" or "covers.hosts[1]";
	// empty when the problem is not about one field.
	Field string `json:"field,omitempty"`
	// Reason says what is wrong.
	Reason string `json:"reason"`
}

// Error formats the problem as "<file>:<line>: <field>: <reason>".
func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Reason
}

// maxErrors is how many errors one file reports before it says how many
// more there were.
const maxErrors = 100

// Problems returns every *Error in err (which may join several), in the
// order given; nil when there are none.
func Problems(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if e, ok := err.(*Error); ok {
			out = append(out, e)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// problems collects the errors of one file.
type problems struct {
	file string
	errs []*Error
}

// add records a problem at line about field.
func (p *problems) add(line int, field, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
}

// err returns the problems sorted by line (stable, so that the problems
// of one line keep their order) and joined, at most maxErrors of them and
// a last one saying how many more there were; nil when there are none.
func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	errs := slices.Clone(p.errs)
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	var out []error
	for i, e := range errs {
		if i == maxErrors {
			out = append(out, &Error{File: p.file, Reason: fmt.Sprintf("%d more errors not shown", len(errs)-maxErrors)})
			break
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}
