package scorecard

import (
	"slices"
	"strings"
)

// hostList keeps the alphabetically first limit host names it is given,
// sorted, whatever order they arrive in. Keeping the first names rather
// than the first arrivals makes a truncated list deterministic, and lets
// Compare diff two truncated lists exactly up to the last name both hold.
type hostList struct {
	names []string
	limit int
}

// add offers a name to the list.
func (l *hostList) add(name string) {
	if l.limit <= 0 {
		return
	}
	n := len(l.names)
	if n == l.limit && strings.Compare(name, l.names[n-1]) >= 0 {
		return // the common case when hosts arrive sorted
	}
	i, found := slices.BinarySearch(l.names, name)
	if found {
		return
	}
	if n < l.limit {
		l.names = slices.Insert(l.names, i, name)
		return
	}
	copy(l.names[i+1:], l.names[i:n-1])
	l.names[i] = name
}

// list returns a copy of the names, never nil.
func (l *hostList) list() []string {
	if l.names == nil {
		return []string{}
	}
	return slices.Clone(l.names)
}
