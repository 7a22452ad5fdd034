package accounts

import "fmt"

// warnings collects the warning strings of one collection.
type warnings []string

// add appends a formatted warning.
func (w *warnings) add(format string, args ...any) {
	*w = append(*w, fmt.Sprintf(format, args...))
}

// lines adds one warning per line error, prefixed by source and file.
func (w *warnings) lines(file string, errs []lineError) {
	for _, e := range errs {
		w.add("%s:%d: %s", file, e.Line, e.Msg)
	}
}
