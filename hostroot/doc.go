// Package hostroot confines every file a collector reads to a host root
// directory: paths and symlinks, absolute or relative, resolve as if the root
// were "/", and nothing can escape it.
package hostroot
