// Package packages is the "packages" collector: installed software that
// no longer gets updates, for the ICO-SEC-03 policy (installed software
// is supported).
//
// On Debian and Ubuntu hosts it reads, through the host root, the dpkg
// status (/var/lib/dpkg/status) and the binary Packages lists apt keeps
// in /var/lib/apt/lists (plain or compressed: .gz, .xz, .lzma, .lz4,
// .zst, .bz2).
// An installed package (files on disk: configuration-only packages are
// left out) that no list offers by name and architecture at its installed
// version or a newer one (which apt would upgrade it to; versions compared
// as dpkg does) is foreign: installed by hand, left behind by a removed
// repository or a release upgrade, or of an architecture no list covers.
// Lists are read as streams, so a large list is never held whole. Repositories are
// taken from the lists' file names as "host/path suite/component" (apt
// drops the URI scheme from them), so they are the repositories whose
// indexes are on the host.
//
// Language runtimes are found from the packages that ship their
// interpreters: pythonX.Y-minimal (python, /usr/bin/pythonX.Y), nodejs
// (/usr/bin/node, cycle = major version), phpX.Y-cli, rubyX.Y,
// perl-base (cycle = major.minor), golang-X.Y-go and
// openjdk-N-jre-headless (named "openjdk"). Runtimes installed outside
// packages (e.g. under /usr/local) are not looked for yet.
//
// The collector ships no lifecycle data: end-of-life dates come only
// from its options, and a runtime without one has no "eol" (ICO-SEC-03
// then reports it as not assessed). Options:
//
//	{
//	  "runtime_lifecycle": "endoflife-date/endoflife.date@a70eca3",
//	  "runtime_eol": {"python": {"3.11": "2027-10-31"}, "nodejs": {"18": "2025-04-30"}}
//	}
//
// runtime_eol maps runtime name, then release cycle, to a YYYY-MM-DD date;
// runtime_lifecycle names where the dates come from and is reported as
// the facts' runtime_lifecycle (a default name is used when dates are
// given without it). Invalid options are warnings and are left out.
//
// Collect fails when the dpkg status cannot be read. When no Packages
// list can be read (apt-get update never run, or the lists deleted, as in
// many container images) every package would look foreign, so the
// collector answers not applicable (sdk.ErrNotApplicable) with that
// reason, and ICO-SEC-03 reports not_assessed. A host without dpkg (rpm
// or apk hosts included, not supported yet) is not applicable too.
//
// Its JSON Schema is schemas/packages.schema.json.
package packages
