package facts

import "regexp"

var namespaceRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// ValidNamespace reports whether ns is a valid facts namespace: lower-case
// letters, digits and underscores, starting with a letter, at most 64 bytes.
func ValidNamespace(ns string) bool { return namespaceRE.MatchString(ns) }
