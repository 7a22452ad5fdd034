// Package atomicfile writes files so that a reader sees either the old
// content or the whole new content, never a torn write, and the new content
// survives a power cut once Write returns: temporary file in the same
// directory, fsync, rename, fsync of the directory.
package atomicfile
