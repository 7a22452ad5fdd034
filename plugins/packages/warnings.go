package packages

import "fmt"

// warnings collects the warning strings of one collection.
type warnings []string

// add appends a formatted warning.
func (w *warnings) add(format string, args ...any) {
	*w = append(*w, fmt.Sprintf(format, args...))
}
