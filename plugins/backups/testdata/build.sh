#!/usr/bin/env bash
# Builds the borg repositories of the fixture hosts with the real borg
# (apt-get install borgbackup), keeping only the small files the collector
# reads: config, the segments, hints.N and integrity.N (index.N is dropped:
# it is 41 KB and the collector only needs its transaction number, which
# hints.N and integrity.N carry too). Run from this directory; commit the
# result. Modification times are set by the tests, since git drops them.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BORG_PASSPHRASE=fixture BORG_BASE_DIR="$work/base" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
mkdir -p "$work/src" && echo "casework export" > "$work/src/cases.csv"

build() { # name encryption [append-only]
	local repo="$work/$1"
	borg init -e "$2" "$repo" 2>/dev/null
	borg create "$repo::nightly-1" "$work/src"
	if [ "${3:-}" = append-only ]; then borg config "$repo" append_only 1; fi
	local dest=hosts/full/srv/borg/$1
	rm -rf "$dest" && mkdir -p "$dest"
	cp -r "$repo/config" "$repo/data" "$repo"/hints.* "$repo"/integrity.* "$dest/"
}
build encrypted repokey append-only
build plain none
build authenticated authenticated
