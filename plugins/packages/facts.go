package packages

// Namespace is where the package facts appear in the facts document.
const Namespace = "packages"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "packages" namespace: installed software that no longer
// gets updates, either because no configured repository provides it or
// because it is a language runtime past its end of life.
type Facts struct {
	// Manager is the package manager whose database was read: "dpkg",
	// "rpm" or "apk".
	Manager string `json:"manager"`
	// Installed is the number of installed packages.
	Installed int `json:"installed"`
	// Repositories are the configured package repositories, each as
	// "URI suite/component" (apt) or repository ID (dnf, yum, zypper).
	Repositories []string `json:"repositories"`
	// Foreign lists installed packages that no configured repository
	// provides: installed by hand, or left behind by a removed repository
	// or a release upgrade. Nothing will update them. Nil (null) when
	// unknown: a list in UnreadSources may provide any of them.
	Foreign []Package `json:"foreign"`
	// Runtimes lists the language runtimes found (interpreters and virtual
	// machines on the usual paths and in packages).
	Runtimes []Runtime `json:"runtimes"`
	// RuntimeLifecycle names the lifecycle data the runtimes' end-of-life
	// dates come from, e.g. "endoflife-date/endoflife.date@a70eca3";
	// empty when no dates were looked up.
	RuntimeLifecycle string `json:"runtime_lifecycle"`
	// UnreadSources are the Packages lists that could not be read
	// (unsupported format, permission, corrupt or truncated); when not
	// empty, Foreign is unknown.
	// Omitted when every source was read (reports of older agents, which
	// did not say, read the same).
	UnreadSources []Unread `json:"unread_sources,omitempty"`
}

// Unread is a package list that could not be read.
type Unread struct {
	// Path is the host path of the list.
	Path string `json:"path"`
	// Reason says why it was not read.
	Reason string `json:"reason"`
}

// Package is one installed package.
type Package struct {
	// Name is the package name, e.g. "libssl1.1".
	Name string `json:"name"`
	// Version is the installed version.
	Version string `json:"version"`
	// Architecture is the package architecture, e.g. "amd64", "x86_64",
	// "all", "noarch".
	Architecture string `json:"architecture"`
}

// Runtime is one installed language runtime.
type Runtime struct {
	// Name is the product as the lifecycle data names it: "python",
	// "nodejs", "php", "ruby", "go", "perl", "eclipse-temurin".
	Name string `json:"name"`
	// Version is the full version reported, e.g. "3.7.3".
	Version string `json:"version"`
	// Cycle is the release cycle the lifecycle data knows it by, e.g. "3.7".
	Cycle string `json:"cycle"`
	// Path is the interpreter or installation path, e.g.
	// "/usr/bin/python3.7"; it identifies the runtime on the host.
	Path string `json:"path"`
	// Package is the package that installed it; empty when none did (built
	// from source, or unpacked by hand).
	Package string `json:"package"`
	// EOL is the end-of-life date of the cycle (YYYY-MM-DD) per the
	// lifecycle data; absent when unknown.
	EOL string `json:"eol,omitempty"`
}
