// Package compressed reads the files package managers keep compressed,
// apt's Packages lists and dnf's updateinfo, in every format they use:
// gzip, xz, lzma, lz4, zstd and bzip2, chosen by the file name's
// extension. Reads are bounded by a limit on the decompressed size, and a
// corrupt or truncated stream is an error: a list is read whole or not at
// all, never in part.
package compressed
