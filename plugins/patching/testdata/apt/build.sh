#!/usr/bin/env bash
# Builds the real-apt validation roots of the patching collector and
# records apt's own answer beside each (TestPendingMatchesApt).
#
# Needs root, debootstrap and a Debian mirror. Each root is a stock
# Debian 12 (bookworm) minbase made by debootstrap, with the security and
# updates suites added and `apt-get update` run inside it (chroot), so
# the security updates published since the point release debootstrap
# installed are pending. Two layouts:
#   stock      apt's defaults: lists stored uncompressed;
#   container  as container images keep them: Acquire::GzipIndexes with
#              lists stored as .lz4.
# apt's answer is `apt list --upgradable` run in the chroot
# (apt-upgradable.txt). The test needs only the files the collector reads,
# so only those are kept under <layout>/root (dpkg status, os-release, apt
# configuration, the security and updates suites' lists and every Release
# file); the rest of the root is thrown away.
#
# usage: sudo ./build.sh [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mirror=${MIRROR:-http://deb.debian.org/debian}
security=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

build() {
	local layout=$1 root=$work/$1
	if [ ! -x "$root/usr/bin/apt-get" ]; then
		debootstrap --variant=minbase bookworm "$root" "$mirror"
	fi
	cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
	rm -f "$root/etc/apt/apt.conf.d/99container"
	if [ "$layout" = container ]; then
		cat >"$root/etc/apt/apt.conf.d/99container" <<'CONF'
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "lz4";
CONF
	fi
	rm -rf "$root/var/lib/apt/lists"/*
	mkdir -p "$root/var/lib/apt/lists/partial"
	chroot "$root" apt-get update -qq
	chroot "$root" apt list --upgradable 2>/dev/null | sort >"$work/$layout.upgradable"

	local out=$here/$layout
	rm -rf "$out"
	mkdir -p "$out/root/var/lib/dpkg" "$out/root/var/lib/apt/lists" "$out/root/etc/apt/apt.conf.d"
	cp "$root/var/lib/dpkg/status" "$out/root/var/lib/dpkg/status"
	cp "$root/etc/os-release" "$root/etc/debian_version" "$out/root/etc/" 2>/dev/null || true
	cp -L "$root/usr/lib/os-release" "$out/root/etc/os-release" 2>/dev/null || true
	cp "$root/etc/apt/sources.list" "$out/root/etc/apt/"
	cp "$root/etc/apt/apt.conf.d/"* "$out/root/etc/apt/apt.conf.d/" 2>/dev/null || true
	for f in "$root/var/lib/apt/lists"/*; do
		case "$(basename "$f")" in
		*Translation*) ;;
		*Release* | *-security_* | *-updates_*) cp -p "$f" "$out/root/var/lib/apt/lists/" ;;
		esac
	done
	cp "$work/$layout.upgradable" "$out/apt-upgradable.txt"
	date -u +%Y-%m-%dT%H:%M:%SZ >"$out/built-at"
}

build stock
# The container layout starts from the stock root: same packages, lists
# fetched again in lz4.
cp -a "$work/stock" "$work/container"
build container
echo "validation roots written to $here"
