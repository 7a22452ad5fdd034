#!/bin/sh
# Regenerates the compressed fixtures with the real tools (Debian
# packages gzip, xz-utils, lz4, zstd, bzip2: apt-get install -y xz-utils
# lz4 zstd bzip2), each at the settings apt and dnf use or the tool's
# default:
#   plugins/patching/testdata/lists/<list>.<ext>  (roots/bookworm-security)
#   plugins/packages/testdata/lists/<list>.<ext>  (roots/bookworm)
# for every apt Packages list of those roots; the tests of package
# compressed read them too. Run from anywhere.
set -eu
cd "$(dirname "$0")/../../../.."

compress() { # compress SRC DSTBASE
	gzip -9 -n -c "$1" >"$2.gz"
	xz -6 -c "$1" >"$2.xz"
	xz --format=lzma -c "$1" >"$2.lzma"
	lz4 -q -c "$1" >"$2.lz4"
	zstd -q -19 -c "$1" >"$2.zst"
	bzip2 -9 -c "$1" >"$2.bz2"
}

for c in patching:bookworm-security packages:bookworm; do
	col=${c%%:*} root=${c#*:}
	for f in plugins/$col/testdata/roots/$root/var/lib/apt/lists/*_Packages; do
		compress "$f" "plugins/$col/testdata/lists/$(basename "$f")"
	done
done
