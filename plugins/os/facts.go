package osinfo

import "time"

// Namespace is where the OS facts appear in the facts document.
const Namespace = "os"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "os" namespace: what operating system the host runs.
//
// Every field that could not be read is left empty and a warning says why;
// empty never means "none".
type Facts struct {
	// Family is "linux", "windows" or "darwin".
	Family string `json:"family"`
	// ID, IDLike, Name, PrettyName, VersionID, Version and VersionCodename
	// are the os-release fields of the same names (lower-cased ID values).
	ID              string   `json:"id"`
	IDLike          []string `json:"id_like"`
	Name            string   `json:"name"`
	PrettyName      string   `json:"pretty_name"`
	VersionID       string   `json:"version_id"`
	Version         string   `json:"version"`
	VersionCodename string   `json:"version_codename"`
	// PointRelease is the full release where the distribution records one
	// beyond VERSION_ID (e.g. /etc/debian_version "12.7", /etc/alpine-release "3.19.1").
	PointRelease string `json:"point_release,omitempty"`
	// ReleaseSource is the host file the identity was read from, or
	// "gopsutil" on Windows and macOS, where the running system reports it.
	ReleaseSource string `json:"release_source"`

	Kernel Kernel `json:"kernel"`
	// Architecture is the machine name as uname -m prints it ("x86_64",
	// "aarch64"); package-manager names such as dpkg's "amd64" are mapped.
	Architecture string     `json:"architecture"`
	Hostname     string     `json:"hostname"`
	MachineID    string     `json:"machine_id"`
	BootTime     *time.Time `json:"boot_time"`

	// Entitlements are paid extended-support subscriptions found on the
	// host, e.g. "ubuntu-pro" (esm-infra enabled), "rhel-els".
	Entitlements []string `json:"entitlements"`
}

// Kernel identifies the running kernel.
type Kernel struct {
	Name    string `json:"name"`    // e.g. "Linux"
	Release string `json:"release"` // e.g. "6.1.0-18-amd64"
	Version string `json:"version"` // e.g. "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1"
}
