#!/usr/bin/env bash
# Builds the real-dnf validation roots of the patching collector and
# records dnf's own answer beside each (TestPendingMatchesDnf).
#
# Needs bash, rpm (rpmbuild), createrepo-c, dnf, zstd, python3 and gzip,
# all from Debian (apt-get install rpm createrepo-c dnf zstd); no network.
# rpmbuild builds tiny empty packages; rpm installs the older versions
# into an installroot (an SQLite rpm database, as RHEL 9 and Fedora keep
# it); createrepo_c makes two local repositories (baseos, appstream) of
# the newer versions and modifyrepo_c adds the security advisories
# (updateinfo) and module streams (modules) to them, compressed one way
# per root: none, gz, bz2, xz,
# zstd and zck. dnf itself then fills the root's metadata cache
# (`dnf --installroot ROOT makecache`) and answers, from that cache:
#   dnf-updateinfo.txt   `dnf updateinfo list --security` (the advisories
#                        whose packages are newer than the installed
#                        ones: ID, severity, NEVRA);
#   dnf-check-update.txt `dnf check-update --security` (the upgrades dnf
#                        would make for them: name.arch, EVR, repository).
# The test needs only the files the collector reads, so only those are
# kept under <compression>/root: the release files, dnf's module state
# (/etc/dnf/modules.d), the rpm database
# (gzipped; the test unpacks it) and, of dnf's cache, each repository's
# repomd.xml, primary list, updateinfo and modules metadata exactly as
# dnf stored them.
#
# The advisories cover: a multilib package (x86_64 and i686 installed)
# behind on two advisories; install-only kernels, the newest installed
# current with one advisory and behind on another; epochs (a higher one
# pending, a lower one with a higher version not); rpm version order
# (tilde, caret, numeric release segments, alphanumeric segments); an
# advisory for an architecture not installed, for a package not
# installed, for the installed version itself, for an architecture
# change (noarch installed, x86_64 advised); one package advised in both
# repositories (the newer from appstream); and bug-fix and enhancement
# advisories, which are not security updates; and module streams
# (appstream's modules metadata): advisories of an enabled stream count,
# of another stream of the same module not, even when that one is the
# default; of a module without state its default stream counts, another
# not; of a disabled module none.
#
# usage: ./build.sh [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
compressions=(none gz bz2 xz zstd zck)
for tool in rpmbuild rpm createrepo_c modifyrepo_c dnf zstd python3 gzip; do
	command -v "$tool" >/dev/null || {
		echo "build.sh: $tool is missing (apt-get install rpm createrepo-c dnf zstd python3)" >&2
		exit 1
	}
done

# Debian's rpm keeps its database in ~/.rpmdb; rpm and dnf here must use
# /var/lib/rpm of the root in SQLite, as RHEL 9 does.
export HOME=$work/home
mkdir -p "$HOME"
printf '%%_dbpath /var/lib/rpm\n%%_db_backend sqlite\n' >"$HOME/.rpmmacros"

# Build and repository times: 2026-07-31T00:00:00Z.
epoch_time=1785456000
top=$work/rpmbuild
rpms=$work/rpms
rm -rf "$top" "$rpms"
mkdir -p "$top"/{SPECS,RPMS,BUILD,BUILDROOT,SRPMS} "$rpms"

# pkg NAME EPOCH VERSION RELEASE ARCH: builds an empty package.
pkg() {
	local name=$1 epoch=$2 version=$3 release=$4 arch=$5
	local spec="$top/SPECS/$name-$version-$release.$arch.spec"
	{
		echo "Name: $name"
		[ "$epoch" = 0 ] || echo "Epoch: $epoch"
		echo "Version: $version"
		echo "Release: $release"
		echo "Summary: auditfleet fixture package $name"
		echo "License: MIT"
		[ "$arch" = noarch ] && echo "BuildArch: noarch"
		echo "%description"
		echo "Fixture package for the auditfleet patching collector's dnf validation."
		echo "%files"
	} >"$spec"
	SOURCE_DATE_EPOCH=$epoch_time rpmbuild --quiet -bb --target "$arch" --define "_topdir $top" \
		--define 'use_source_date_epoch_as_buildtime 1' --define 'clamp_mtime_to_source_date_epoch 1' \
		--define '_build_id_links none' --define 'dist %{nil}' \
		--define '__os_install_post %{nil}' "$spec" >/dev/null
	find "$top/RPMS" -name "*.rpm" -exec mv {} "$rpms/" \;
}

# Installed (old) and offered (new) versions, NAME:EPOCH:VERSION:RELEASE:ARCH.
installed=(
	openssl-libs:1:3.0.7:24.el9:x86_64
	openssl-libs:1:3.0.7:24.el9:i686
	kernel-core:0:5.14.0:427.13.1.el9_4:x86_64
	kernel-core:0:5.14.0:427.31.1.el9_4:x86_64
	vim-minimal:2:8.2.2637:20.el9_1:x86_64
	bash:0:5.1.8:6.el9_1:x86_64
	ca-certificates:0:2024.2.69_v8.0.303:91.4.el9_4:noarch
	glibc:0:2.34:100.el9:x86_64
	tzdata:0:2026a:1.el9:noarch
	python3-libs:0:3.9.18:1.el9:x86_64
	curl:0:7.76.1~rc1:1.el9:x86_64
	sudo:0:1.9.5p2:9.el9:x86_64
	less:0:590:10.el9:x86_64
	shadow-utils:2:4.9:8.el9:x86_64
	perl-libs:4:5.32.1:480.el9:x86_64
	libxml2:0:2.9.13a:1.el9:x86_64
	dnf-data:0:4.14.0:9.el9:noarch
	nodejs:1:18.19.0:1.module+el9.3.0+100+aaaa:x86_64
	postgresql:0:15.5:1.module+el9.3.0+400+dddd:x86_64
	redis:0:6.2.7:1.module+el9.3.0+700+1111:x86_64
)
baseos=(
	openssl-libs:1:3.0.7:25.el9_3:x86_64
	openssl-libs:1:3.0.7:25.el9_3:i686
	openssl-libs:1:3.0.7:27.el9:x86_64
	openssl-devel:1:3.0.7:27.el9:x86_64
	kernel-core:0:5.14.0:427.31.1.el9_4:x86_64
	kernel-core:0:5.14.0:503.11.1.el9_5:x86_64
	bash:0:5.1.8:9.el9:x86_64
	ca-certificates:0:2024.2.69_v8.0.303:91.4.el9_4:noarch
	glibc:0:2.34:100.el9:x86_64
	glibc:0:2.34:105.el9:i686
	tzdata:0:2026b:1.el9:noarch
	python3-libs:0:3.9.18:3.el9:x86_64
	curl:0:7.76.1:1.el9:x86_64
	sudo:0:1.9.5p2^20260701git:9.el9:x86_64
	less:0:590:9.el9:x86_64
	shadow-utils:0:4.10:1.el9:x86_64
	perl-libs:4:5.32.1:481.el9:x86_64
	libxml2:0:2.9.13.1:1.el9:x86_64
	dnf-data:0:4.14.0:17.el9:x86_64
)
appstream=(
	vim-minimal:2:8.2.2637:21.el9:x86_64
	python3-libs:0:3.9.19:1.el9:x86_64
	nodejs:1:18.19.0:1.module+el9.3.0+100+aaaa:x86_64
	nodejs:1:18.20.0:1.module+el9.4.0+200+bbbb:x86_64
	nodejs:1:20.11.0:1.module+el9.4.0+300+cccc:x86_64
	postgresql:0:15.5:1.module+el9.3.0+400+dddd:x86_64
	postgresql:0:15.6:1.module+el9.4.0+500+eeee:x86_64
	postgresql:0:16.2:1.module+el9.4.0+600+ffff:x86_64
	redis:0:6.2.7:1.module+el9.3.0+700+1111:x86_64
	redis:0:6.2.9:1.module+el9.4.0+800+2222:x86_64
)
for p in "${installed[@]}" "${baseos[@]}" "${appstream[@]}"; do
	IFS=: read -r n e v r a <<<"$p"
	[ -e "$rpms/$n-$v-$r.$a.rpm" ] || pkg "$n" "$e" "$v" "$r" "$a"
done
file() { # NAME:EPOCH:VERSION:RELEASE:ARCH -> the package file
	local n e v r a
	IFS=: read -r n e v r a <<<"$1"
	echo "$rpms/$n-$v-$r.$a.rpm"
}

# advisory ID TYPE SEVERITY ISSUED PACKAGE...: one <update> of updateinfo.xml.
advisory() {
	local id=$1 type=$2 severity=$3 issued=$4
	shift 4
	cat <<EOF
  <update from="releng@rockylinux.org" status="final" type="$type" version="2">
    <id>$id</id>
    <title>$id fixture advisory</title>
    <issued date="$issued"/>
    <updated date="$issued"/>
    <rights>Copyright 2026 Rocky Enterprise Software Foundation</rights>
    <release>Rocky Linux 9</release>
    <severity>$severity</severity>
    <summary>Fixture advisory $id.</summary>
    <description>Fixture advisory $id for the auditfleet dnf validation.</description>
    <references>
      <reference href="https://errata.rockylinux.org/$id" id="$id" type="self" title="$id"/>
    </references>
    <pkglist>
      <collection short="rocky-linux-9-x86_64-fixture">
        <name>rocky-linux-9-x86_64-fixture</name>
EOF
	if [ -n "${adv_module:-}" ]; then
		echo "        <module name=\"${adv_module%%:*}\" stream=\"${adv_module#*:}\" version=\"9040020240101\" context=\"9edba152\" arch=\"x86_64\"/>"
	fi
	local p n e v r a
	for p in "$@"; do
		IFS=: read -r n e v r a <<<"$p"
		cat <<EOF
        <package name="$n" version="$v" release="$r" epoch="$e" arch="$a" src="$n-$v-$r.src.rpm">
          <filename>$n-$v-$r.$a.rpm</filename>
        </package>
EOF
	done
	cat <<'EOF'
      </collection>
    </pkglist>
  </update>
EOF
}

ui=$work/updateinfo
mkdir -p "$ui/baseos" "$ui/appstream"
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<updates>'
	advisory RLSA-2026:1001 security Important "2026-07-02 10:15:00" \
		openssl-libs:1:3.0.7:25.el9_3:x86_64 openssl-libs:1:3.0.7:25.el9_3:i686
	advisory RLSA-2026:1187 security Critical "2026-08-12 14:30:00" \
		openssl-libs:1:3.0.7:27.el9:x86_64 openssl-devel:1:3.0.7:27.el9:x86_64
	advisory RLSA-2026:1102 security Important "2026-07-30 09:00:00" \
		kernel-core:0:5.14.0:427.31.1.el9_4:x86_64
	advisory RLSA-2026:1300 security Important "2026-08-29 09:00:00" \
		kernel-core:0:5.14.0:503.11.1.el9_5:x86_64
	advisory RLBA-2026:1050 bugfix None "2026-07-20 08:00:00" \
		bash:0:5.1.8:9.el9:x86_64
	advisory RLSA-2026:0950 security Moderate "2026-06-10 00:00:00" \
		ca-certificates:0:2024.2.69_v8.0.303:91.4.el9_4:noarch
	advisory RLSA-2026:1120 security Moderate "2026-07-21 00:00:00" \
		glibc:0:2.34:105.el9:i686
	advisory RLEA-2026:1130 enhancement None "2026-07-22 00:00:00" \
		tzdata:0:2026b:1.el9:noarch
	advisory RLSA-2026:1140 security Low "2026-07-23 00:00:00" \
		python3-libs:0:3.9.18:3.el9:x86_64
	advisory RLSA-2026:1150 security Important "2026-07-24 00:00:00" \
		curl:0:7.76.1:1.el9:x86_64
	advisory RLSA-2026:1160 security Important "2026-07-25 00:00:00" \
		sudo:0:1.9.5p2^20260701git:9.el9:x86_64
	advisory RLSA-2026:1170 security Moderate "2026-07-26 00:00:00" \
		less:0:590:9.el9:x86_64
	advisory RLSA-2026:1180 security Moderate "2026-07-27 00:00:00" \
		shadow-utils:0:4.10:1.el9:x86_64
	advisory RLSA-2026:1190 security Moderate "2026-07-28 00:00:00" \
		perl-libs:4:5.32.1:481.el9:x86_64
	advisory RLSA-2026:1200 security Moderate "2026-07-29 00:00:00" \
		libxml2:0:2.9.13.1:1.el9:x86_64
	advisory RLSA-2026:1210 security Moderate "2026-07-29 12:00:00" \
		dnf-data:0:4.14.0:17.el9:x86_64
	echo '</updates>'
} >"$ui/baseos/updateinfo.xml"
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<updates>'
	advisory RLSA-2026:1250 security Moderate "2026-08-20 16:45:00" \
		vim-minimal:2:8.2.2637:21.el9:x86_64
	advisory RLSA-2026:1260 security Important "2026-08-21 00:00:00" \
		python3-libs:0:3.9.19:1.el9:x86_64
	adv_module=nodejs:18 advisory RLSA-2026:1270 security Important "2026-08-22 00:00:00" \
		nodejs:1:18.20.0:1.module+el9.4.0+200+bbbb:x86_64
	adv_module=nodejs:20 advisory RLSA-2026:1271 security Important "2026-08-22 00:00:00" \
		nodejs:1:20.11.0:1.module+el9.4.0+300+cccc:x86_64
	adv_module=postgresql:15 advisory RLSA-2026:1280 security Moderate "2026-08-23 00:00:00" \
		postgresql:0:15.6:1.module+el9.4.0+500+eeee:x86_64
	adv_module=postgresql:16 advisory RLSA-2026:1281 security Moderate "2026-08-23 00:00:00" \
		postgresql:0:16.2:1.module+el9.4.0+600+ffff:x86_64
	adv_module=redis:6 advisory RLSA-2026:1290 security Moderate "2026-08-24 00:00:00" \
		redis:0:6.2.9:1.module+el9.4.0+800+2222:x86_64
	echo '</updates>'
} >"$ui/appstream/updateinfo.xml"

# module NAME STREAM VERSION PACKAGE...: a modulemd document of a stream.
module() {
	local name=$1 stream=$2 version=$3 p n e v r a
	shift 3
	cat <<EOF
---
document: modulemd
version: 2
data:
  name: $name
  stream: "$stream"
  version: $version
  context: 9edba152
  arch: x86_64
  summary: $name fixture module
  description: >-
    The $name fixture module of the auditfleet dnf validation.
  license:
    module:
    - MIT
  profiles:
    common:
      rpms:
      - $name
  artifacts:
    rpms:
EOF
	for p in "$@"; do
		IFS=: read -r n e v r a <<<"$p"
		echo "    - $n-$e:$v-$r.$a"
	done
	echo "..."
}
# defaults NAME STREAM: a modulemd-defaults document. The stream is
# written unquoted, a YAML number, as some repositories do.
defaults() {
	cat <<EOF
---
document: modulemd-defaults
version: 1
data:
  module: $1
  stream: $2
  profiles:
    $2: [common]
...
EOF
}
# The module streams of appstream: nodejs 18 (enabled on the root, though
# 20 is the default) and 20; postgresql 15 (the default; the root has no
# state for it) and 16; redis 6 (disabled on the root).
{
	module nodejs 18 9040020240101 nodejs:1:18.19.0:1.module+el9.3.0+100+aaaa:x86_64 \
		nodejs:1:18.20.0:1.module+el9.4.0+200+bbbb:x86_64
	module nodejs 20 9040020240102 nodejs:1:20.11.0:1.module+el9.4.0+300+cccc:x86_64
	module postgresql 15 9040020240103 postgresql:0:15.5:1.module+el9.3.0+400+dddd:x86_64 \
		postgresql:0:15.6:1.module+el9.4.0+500+eeee:x86_64
	module postgresql 16 9040020240104 postgresql:0:16.2:1.module+el9.4.0+600+ffff:x86_64
	module redis 6 9040020240105 redis:0:6.2.7:1.module+el9.3.0+700+1111:x86_64 \
		redis:0:6.2.9:1.module+el9.4.0+800+2222:x86_64
	defaults nodejs 20
	defaults postgresql 15
} >"$ui/appstream/modules.yaml"

# addmd REPODATA TYPE COMPRESSION FILE: adds a metadata file to a
# repository in COMPRESSION.
addmd() {
	local rd=$1 type=$2 comp=$3 f=$4
	case $comp in
	none) modifyrepo_c --mdtype "$type" --no-compress "$f" "$rd" >/dev/null ;;
	zstd)
		# createrepo_c 0.17 (Debian 12) cannot write zstd, which Fedora
		# uses: add the file gzipped, then recompress it with zstd and
		# rewrite its repomd.xml entry (checksum, size, name).
		modifyrepo_c --mdtype "$type" --compress-type gz "$f" "$rd" >/dev/null
		python3 - "$rd" "$type" "$(basename "$f")" <<'PY'
import glob, gzip, hashlib, os, re, subprocess, sys
rd, mdtype, base = sys.argv[1:]
(old,) = glob.glob(os.path.join(rd, f"*-{base}.gz"))
raw = gzip.open(old).read()
z = subprocess.run(["zstd", "-q", "-19", "-c"], input=raw, capture_output=True, check=True).stdout
sha = hashlib.sha256(z).hexdigest()
new = f"{sha}-{base}.zst"
open(os.path.join(rd, new), "wb").write(z)
os.remove(old)
md = open(os.path.join(rd, "repomd.xml")).read()
start = md.index(f'<data type="{mdtype}">')
end = md.index("</data>", start)
d = md[start:end]
oldsum = re.search(r'<checksum type="sha256">([0-9a-f]+)</checksum>', d).group(1)
d = d.replace(os.path.basename(old), new).replace(oldsum, sha)
d = re.sub(r"<size>\d+</size>", f"<size>{len(z)}</size>", d)
open(os.path.join(rd, "repomd.xml"), "w").write(md[:start] + d + md[end:])
PY
		;;
	*) modifyrepo_c --mdtype "$type" --compress-type "$comp" "$f" "$rd" >/dev/null ;;
	esac
}

# repo DIR COMPRESSION UPDATEINFO PACKAGE...: a repository of the
# packages with the updateinfo added in COMPRESSION.
repo() {
	local d=$1 comp=$2 xml=$3
	shift 3
	rm -rf "$d"
	mkdir -p "$d"
	local p
	for p in "$@"; do cp "$(file "$p")" "$d/"; done
	createrepo_c --quiet --no-database --unique-md-filenames --general-compress-type gz \
		--revision "$epoch_time" --set-timestamp-to-revision "$d" >/dev/null
	addmd "$d/repodata" updateinfo "$comp" "$xml"
	if [ -e "$(dirname "$xml")/modules.yaml" ]; then
		addmd "$d/repodata" modules "$comp" "$(dirname "$xml")/modules.yaml"
	fi
}

# The installroot: the installed packages in its rpm database.
base=$work/installed
rm -rf "$base"
mkdir -p "$base/etc"
echo 'Rocky Linux release 9.4 (Blue Onyx)' >"$base/etc/redhat-release"
cat >"$base/etc/os-release" <<'EOF'
NAME="Rocky Linux"
VERSION="9.4 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
EOF
mkdir -p "$base/etc/dnf/modules.d"
printf '[nodejs]\nname=nodejs\nstream=18\nprofiles=\nstate=enabled\n' >"$base/etc/dnf/modules.d/nodejs.module"
printf '[redis]\nname=redis\nstream=\nprofiles=\nstate=disabled\n' >"$base/etc/dnf/modules.d/redis.module"
rpm --root "$base" --initdb
files=()
for p in "${installed[@]}"; do files+=("$(file "$p")"); done
rpm --root "$base" -i --force-debian --nodeps --noscripts --nosignature --ignorearch "${files[@]}"

# dnfroot ROOT ARGS...: dnf on the root's metadata cache, with only the
# local repositories named in $repos (both by default) of $comp.
dnfroot() {
	local root=$1 r args=()
	shift
	for r in ${repos:-baseos appstream}; do
		args+=(--repofrompath="$r,file://$work/repos/$comp/$r" --setopt="$r.gpgcheck=0")
	done
	dnf -q --installroot="$root" --releasever=9 --forcearch=x86_64 --setopt=reposdir=/nonexistent \
		--setopt=install_weak_deps=0 --disablerepo='*' "${args[@]}" "$@"
}

# answer ROOT OUT: records dnf's answers for ROOT, from its cache, in OUT.
answer() {
	local root=$1 out=$2 rc=0
	dnfroot "$root" -C updateinfo list --security | sort >"$out/dnf-updateinfo.txt"
	dnfroot "$root" -C check-update --security >"$work/check-update" || rc=$?
	# check-update exits 100 when there are upgrades, 0 when none.
	[ "$rc" = 0 ] || [ "$rc" = 100 ] || {
		echo "build.sh: dnf check-update failed ($rc) for $root" >&2
		exit 1
	}
	sed '/^$/d' "$work/check-update" | sort >"$out/dnf-check-update.txt"
}

# keep ROOT OUT: keeps in OUT/root the files of ROOT the collector reads.
keep() {
	local root=$1 out=$2 d dst
	mkdir -p "$out/root/etc/dnf" "$out/root/var/lib/rpm" "$out/root/var/cache/dnf"
	cp "$root/etc/os-release" "$root/etc/redhat-release" "$out/root/etc/"
	cp -r "$root/etc/dnf/modules.d" "$out/root/etc/dnf/"
	[ ! -d "$root/etc/dnf/modules.defaults.d" ] || cp -r "$root/etc/dnf/modules.defaults.d" "$out/root/etc/dnf/"
	# rpm keeps the database in WAL mode: fold the log in and compact it.
	python3 - "$root/var/lib/rpm/rpmdb.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.execute("VACUUM")
c.close()
PY
	gzip -9n <"$root/var/lib/rpm/rpmdb.sqlite" >"$out/root/var/lib/rpm/rpmdb.sqlite.gz"
	for d in "$root"/var/cache/dnf/*/repodata; do
		dst=$out/root/var/cache/dnf/$(basename "$(dirname "$d")")/repodata
		mkdir -p "$dst"
		cp -p "$d/repomd.xml" "$d"/*-primary.xml.* "$dst/"
		cp -p "$d"/*-updateinfo.xml* "$d"/*-modules.yaml* "$dst/" 2>/dev/null || true
	done
	dnf --version | head -1 >"$out/dnf-version"
}

for comp in "${compressions[@]}"; do
	repo "$work/repos/$comp/baseos" "$comp" "$ui/baseos/updateinfo.xml" "${baseos[@]}"
	repo "$work/repos/$comp/appstream" "$comp" "$ui/appstream/updateinfo.xml" "${appstream[@]}"
	root=$work/roots/$comp
	rm -rf "$root"
	mkdir -p "$(dirname "$root")"
	cp -a "$base" "$root"
	out=$here/$comp
	rm -rf "$out"
	mkdir -p "$out"
	if ! dnfroot "$root" makecache >/dev/null 2>"$work/$comp.err"; then
		# Debian's dnf (libsolv and librepo built without zchunk) stops
		# at a zchunk updateinfo: "failed to open: ….xml.zck". That
		# refusal is its answer; the cache is filled one repository at a
		# time (each attempt fails the same way after the download).
		[ "$comp" = zck ] || {
			cat "$work/$comp.err" >&2
			exit 1
		}
		for r in baseos appstream; do
			! repos=$r dnfroot "$root" makecache >/dev/null 2>&1
		done
		sed "s|$root||g" "$work/$comp.err" >"$out/dnf-error.txt"
	else
		answer "$root" "$out"
	fi
	keep "$root" "$out"
done

# Variants of the gz root's module state, each answered by dnf from the
# same cache:
#   modules-nostate       no state for nodejs: its default stream (20)
#                         is active, not 18;
#   modules-localdefault  /etc/dnf/modules.defaults.d makes 16 the
#                         default of postgresql, over the repository's 15;
#   modules-nostream      redis neither enabled nor disabled (state
#                         empty) and without a default: no stream active;
#   modules-conflict      a third repository, extras, whose modules
#                         metadata makes 16 the default of postgresql:
#                         repositories that disagree leave no default.
comp=gz
mkdir -p "$ui/extras"
defaults postgresql '"16"' >"$ui/extras/modules.yaml"
rm -rf "$work/repos/gz/extras"
mkdir -p "$work/repos/gz/extras"
createrepo_c --quiet --no-database --unique-md-filenames --general-compress-type gz \
	--revision "$epoch_time" --set-timestamp-to-revision "$work/repos/gz/extras" >/dev/null
addmd "$work/repos/gz/extras/repodata" modules gz "$ui/extras/modules.yaml"
for variant in nostate localdefault nostream conflict; do
	root=$work/roots/modules-$variant
	rm -rf "$root"
	cp -a "$work/roots/gz" "$root"
	case $variant in
	nostate) rm "$root/etc/dnf/modules.d/nodejs.module" ;;
	localdefault)
		mkdir -p "$root/etc/dnf/modules.defaults.d"
		defaults postgresql '"16"' >"$root/etc/dnf/modules.defaults.d/postgresql.yaml"
		;;
	nostream) printf '[redis]\nname=redis\nstream=6\nprofiles=\nstate=\n' >"$root/etc/dnf/modules.d/redis.module" ;;
	conflict) repos="baseos appstream extras" dnfroot "$root" makecache >/dev/null ;;
	esac
	out=$here/modules-$variant
	rm -rf "$out"
	mkdir -p "$out"
	repos="baseos appstream$([ $variant = conflict ] && echo ' extras')" answer "$root" "$out"
	keep "$root" "$out"
done
echo "validation roots written to $here"
