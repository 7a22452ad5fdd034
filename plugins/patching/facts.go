package patching

import "time"

// Namespace is where the patching facts appear in the facts document.
const Namespace = "patching"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "patching" namespace: the security updates the package
// manager offers but has not installed, how long each has waited, whether
// updates install unattended, and when the package index was last
// refreshed. Every timestamp is UTC.
type Facts struct {
	// Manager is the package manager consulted: "apt" (Debian, Ubuntu),
	// "dnf" or "yum" (RHEL family), "zypper" or "apk".
	Manager string `json:"manager"`
	// IndexRefreshed is when the package index (apt lists, dnf or yum
	// metadata cache) was last refreshed successfully; null when unknown.
	IndexRefreshed *time.Time `json:"index_refreshed"`
	// AutomaticUpdates says whether security updates install without
	// anyone acting.
	AutomaticUpdates AutomaticUpdates `json:"automatic_updates"`
	// Pending lists the security updates available but not installed, one
	// per binary package, in the indexes read; empty when there are none.
	Pending []Update `json:"pending"`
	// UnreadSources are the package indexes that decide Pending (apt's
	// security lists and their directory, dnf's updateinfo and repomd.xml)
	// but could not be read: unsupported format, permission, corrupt or
	// truncated. When it is not empty, Pending is a lower bound: the
	// updates those indexes list are unknown, not absent.
	// Omitted when every source was read (reports of older agents, which
	// did not say, read the same).
	UnreadSources []Unread `json:"unread_sources,omitempty"`
}

// Unread is a package index that could not be read.
type Unread struct {
	// Path is the host path of the index, e.g.
	// "/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4".
	Path string `json:"path"`
	// Reason says why it was not read.
	Reason string `json:"reason"`
}

// AutomaticUpdates describes the mechanism that installs updates
// unattended, if any.
type AutomaticUpdates struct {
	// Enabled is true when a mechanism that installs security updates is
	// configured and its timer, cron job or service is enabled.
	Enabled bool `json:"enabled"`
	// Mechanism names it: "unattended-upgrades", "dnf-automatic",
	// "yum-cron"; empty when none was found.
	Mechanism string `json:"mechanism"`
	// Source is the file the setting was read from, e.g.
	// "/etc/apt/apt.conf.d/20auto-upgrades"; empty when none was found.
	Source string `json:"source"`
	// LastRun is when the mechanism last ran, from its log or timer
	// state; null when unknown or never.
	LastRun *time.Time `json:"last_run"`
}

// Update is one pending security update.
type Update struct {
	// Package is the binary package name, e.g. "openssl".
	Package string `json:"package"`
	// InstalledVersion is the version installed now.
	InstalledVersion string `json:"installed_version"`
	// CandidateVersion is the version the update would install.
	CandidateVersion string `json:"candidate_version"`
	// Origin is the repository offering it, e.g.
	// "Debian-Security:12/stable-security" or "rhel-9-for-x86_64-baseos-rpms".
	Origin string `json:"origin"`
	// Advisories are the security advisories the update fixes, when the
	// package manager says (e.g. "DSA-5678-1", "RHSA-2026:1234"); empty
	// when it does not.
	Advisories []string `json:"advisories"`
	// PendingSince is the earliest time the collector can show the update
	// was available and not installed: the date of the index that lists
	// it (its Release file's Date, else its modification time) or the
	// advisory's issue date. The server (and an offline scan, from the
	// agent's state directory) moves it back to the first report that
	// showed the update pending, when that is earlier (package firstseen).
	PendingSince time.Time `json:"pending_since"`
	// SinceSource says where PendingSince comes from.
	SinceSource string `json:"pending_since_source,omitempty"`
}
