// Package patching is the "patching" collector and its facts namespace,
// the contract with the ICO-SEC-02 policy (security updates applied
// within the organisation's patch window). Its JSON Schema is
// schemas/patching.schema.json.
//
// The collector supports Debian and Ubuntu (apt and dpkg) and the RHEL
// family with dnf (RHEL, Rocky, Alma, CentOS 8 and CentOS Stream, Fedora;
// the rpm database in SQLite or Berkeley DB format; see "RHEL family"
// below). Everything
// is read from files under the host root; nothing touches the network or
// runs apt, rpm or dnf.
//
// # Pending security updates
//
// Installed packages come from /var/lib/dpkg/status: every stanza whose
// Status ends in a state with the package's files on disk (installed,
// half-configured, unpacked, half-installed, triggers-awaited,
// triggers-pending); held packages count, packages with only
// configuration files left do not. Available versions come from the
// Packages lists in /var/lib/apt/lists, plain or compressed as apt keeps
// them with Acquire::GzipIndexes (.gz, .xz, .lzma, .lz4, .zst, .bz2); a
// list read only in part (corrupt, truncated) is not read at all.
//
// A list is a security list when its file name contains "security" in
// any case. apt names lists after the archive URL and suite, so this
// covers Debian's debian-security archive and *-security suites, Ubuntu's
// *-security suites and security.ubuntu.com, and Ubuntu Pro's
// *-apps-security and *-infra-security; it does not cover a local mirror
// whose URL and suite do not say "security" (use the security_lists
// option) and it would count a non-security list whose URL happens to
// contain the word.
//
// An update is pending when the installed version of a package is older
// than the newest version of the same package and architecture in a
// security list, compared with dpkg's algorithm (epochs, the "~" rule,
// revisions). When one package name is installed for several
// architectures, each pending one is named "name:arch".
//
// Origin is taken from the list's InRelease or Release file, as
// "Label:Version/Suite" (e.g. "Debian-Security:12/oldstable-security"),
// else from the list's file name. The Packages lists say nothing about
// advisories, so Advisories is always empty.
//
// # Pending since
//
// The collector keeps no state between runs yet, so PendingSince is the
// earliest time the files themselves prove the update was offered: the
// earlier of the security list's modification time (apt sets it to the
// server's Last-Modified time) and the Date of its InRelease or Release
// file. The update was published at or before that time, so the wait is
// never overstated, but it is understated: each security release
// re-signs the suite, so an update pending across several security
// releases appears to have waited only since the latest. A failure is
// therefore always real; a pass can miss an old update on a host that
// refreshes its index often. Recording when each update was first seen
// (as the Facts contract allows) needs a writable state file and is not
// implemented.
//
// # Index refresh
//
// IndexRefreshed is the newest of the modification times of
// /var/lib/apt/periodic/update-success-stamp and of the Packages and
// Release files in /var/lib/apt/lists. As apt keeps the server's times
// on the lists, it is a lower bound on the last successful refresh. When
// there is no security list at all it is null, with a warning: no
// security update can show, so the policy must not pass.
//
// # Automatic updates
//
// Automatic updates are enabled when the unattended-upgrades package is
// installed and APT::Periodic::Unattended-Upgrade is "always" or a
// positive interval, reading the apt configuration as apt does: the
// files of /etc/apt/apt.conf.d in name order (only names apt reads, so
// *.ucf-dist, *.dpkg-old and the like are ignored), then
// /etc/apt/apt.conf, the last setting winning. Source is the file of that
// setting. LastRun is the modification time of
// /var/lib/apt/periodic/unattended-upgrades-stamp, which apt's daily job
// touches after running unattended-upgrade. A masked apt-daily-upgrade
// timer is not detected.
//
// # RHEL family
//
// A host without /var/lib/dpkg/status but with an rpm database or
// /etc/redhat-release, /etc/dnf/dnf.conf or /etc/yum.conf is read as the
// RHEL family, with Manager "dnf".
//
// Installed packages come from the rpm database in /var/lib/rpm or
// /usr/lib/sysimage/rpm, read by plugins/internal/rpmdb without rpm: the
// SQLite rpmdb.sqlite of RHEL 9+ and Fedora 33+, opened read-only, or the
// Berkeley DB hash database Packages of RHEL 7 and 8, read by a bounded
// parser of the file (no Berkeley DB library, no locks, nothing
// written). Either way each package's header blob is parsed. A header or
// database record that does not read or parse is a warning and its
// package is not compared; when none reads the collector fails, as it
// does on a Packages file that is truncated or not a hash database.
// SUSE's NDB (Packages.db) is not read: the collector answers "not
// applicable" naming the format, rather than guess. When one package
// name and architecture is installed in several versions (kernels), the
// newest counts.
//
// Security updates come from the advisories of dnf's metadata cache,
// /var/cache/dnf/<repo>-<hash>/repodata (dnf 4) or /var/cache/libdnf5
// (dnf 5): repomd.xml names the updateinfo file, read plain or
// compressed with gzip, xz, bzip2 or zstd (zchunk is not read: there is
// no maintained pure-Go reader of it; a zchunk updateinfo, including the
// zchunk variant dnf built with zchunk keeps instead of the plain one,
// is an unread source). A repository with several
// cache directories is read from the most recently refreshed one. An
// update is pending when an advisory of type "security" lists a package
// of the same name and architecture as an installed one with a higher
// epoch:version-release, compared with rpm's rpmvercmp (tilde and caret
// included); the candidate is the highest such version, Origin the
// repository id offering it (e.g. "baseos"), Advisories every such
// advisory id (e.g. "RLSA-2026:1187"). A package installed for several
// architectures is named "name.arch".
//
// As dnf does, a package of an advisory collection that names module
// streams counts only when one of those streams is active: enabled in
// /etc/dnf/modules.d, or, for a module neither enabled nor disabled
// there, its default stream (from /etc/dnf/modules.defaults.d, else the
// repositories' modules metadata, read like the updateinfo; repositories
// that disagree leave no default). An unreadable state file is an
// unread source; unreadable defaults are one when a default was needed.
// Whether dnf would actually install the candidate (excludes, version
// locks, repositories disabled since the cache was filled) is not
// checked, nor is the primary list read to confirm the repository still
// carries it.
//
// testdata/dnf/build.sh validates all this against dnf itself (Debian's
// dnf 4 on RPM roots filled with rpm, createrepo_c and modifyrepo_c, one
// per metadata compression and module state): TestPendingMatchesDnf
// asserts the pending updates are what `dnf updateinfo list --security`
// and `dnf check-update --security` answer, package for package.
//
// PendingSince is the earliest issued date of those advisories (the
// vendor's publication date, in UTC), or the updateinfo file's
// modification time for an advisory without one. A mirror that syncs
// late makes the wait look longer by its delay; unlike the Debian
// path, re-signing does not make it look shorter.
//
// IndexRefreshed is the newest, over the repositories with a readable
// updateinfo, of the modification times of repomd.xml and of the primary
// list (libdnf touches the primary list each time it finds the cached
// metadata still current, and derives the metadata's age from it). With
// no readable updateinfo it is null, with a warning, as on Debian
// without a security list.
//
// Automatic updates are dnf-automatic's: enabled when
// dnf-automatic-install.timer is enabled, or dnf-automatic.timer is
// enabled and apply_updates is on in the [commands] section of
// /etc/dnf/automatic.conf (upgrade_type "security" or "default": both
// install security updates). A timer is enabled when it is linked in
// /etc/systemd/system/timers.target.wants and not masked. Source is
// automatic.conf, or the install timer's link; LastRun is the
// modification time of the enabled timer's systemd stamp,
// /var/lib/systemd/timers/stamp-<timer>. dnf5's automatic plugin and
// yum-cron are not detected.
//
// RHEL 7, CentOS 7 and Amazon Linux 2 use yum 3, whose metadata cache
// (/var/cache/yum) is not read: a host with /var/cache/yum and neither
// of dnf's caches is answered "not applicable", although its Berkeley
// DB rpm database would read, since no security advisory could be seen.
//
// # Other systems
//
// On a host with neither a dpkg status nor a RHEL-family marker, or a
// RHEL-family host whose rpm database is missing or in NDB format, or
// that only has yum's metadata cache, the collector answers "not
// applicable" (an error wrapping
// sdk.ErrNotApplicable) with the reason. Facts with an empty pending
// list would read as "nothing pending", so no facts are produced: the
// agent records the collector as not applicable, with the reason, and
// ICO-SEC-02 reports not_assessed. An unreadable dpkg status or rpm
// database is an error (ICO-SEC-02 then reports error).
//
// # Options
//
//	{"security_lists": ["mirror.example.org_debian-patches_*_Packages"]}
//
// security_lists (apt only) are extra path.Match patterns against the
// file names in /var/lib/apt/lists; a Packages list matching one is a security list as
// well. Invalid patterns and unknown shapes are warnings and ignored.
package patching
