// Package osinfo is the "os" collector: it identifies the operating system
// of a host root (os-release, the distribution's release file, hostname,
// machine ID, kernel, architecture, boot time) and the paid extended-support
// entitlements found on or declared for it, as the Facts of the "os"
// namespace that the ICO-SEC-01 policy scores against lifecycle data.
//
// Host files are read only through the host root. Live sources (gopsutil,
// system calls) are used only when the root is the running system itself,
// because for a mounted root they would describe the wrong machine.
package osinfo
