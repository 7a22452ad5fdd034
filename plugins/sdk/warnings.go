package sdk

import "fmt"

// Warnings collects the warnings of one collection, for
// Response.Warnings: what the collector could not read or had to guess,
// each a line a person can act on. The zero value is ready to use.
type Warnings []string

// Add appends a warning formatted as by fmt.Sprintf.
func (w *Warnings) Add(format string, args ...any) {
	*w = append(*w, fmt.Sprintf(format, args...))
}
