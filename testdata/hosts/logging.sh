#!/usr/bin/env bash
# logging.sh DIR gives the fixture host at DIR the journald configuration
# a stock systemd host has: Debian's minbase, which build.sh starts from,
# installs neither systemd nor auditd, and the logging collector rightly
# reports such a host as keeping no audit log (ICO-LOG-01 fails). With
# journald configured persistent, the host root still has no process
# table, so whether journald runs is unknown and ICO-LOG-01 is not
# assessed: these hosts exist to test other controls. build.sh calls it
# for every host; it can also be run on its own.
set -euo pipefail
out=${1:?usage: logging.sh DIR}
mkdir -p "$out/etc/systemd"
printf '%s\n' '[Journal]' 'Storage=persistent' 'SystemMaxUse=2G' >"$out/etc/systemd/journald.conf"
