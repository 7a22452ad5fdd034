package osinfo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// maxFileSize bounds every host file this collector reads; all of them
// are a few lines long.
const maxFileSize = 1 << 20

// Collector is the "os" collector.
type Collector struct{}

// New returns the "os" collector.
func New() *Collector { return &Collector{} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "os", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads the OS identity of req.Root. Parts it cannot read are left
// empty with a warning; it fails only when it finds nothing at all.
func (*Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("os collector: no host root")
	}
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("os collector: %w", err)
	}
	var w sdk.Warnings
	opts, err := parseOptions(req.Options)
	if err != nil {
		w.Add("%v; declared entitlements ignored", err)
	}
	f := Facts{IDLike: []string{}, Entitlements: []string{}}
	live := isLive(req.Root)
	if live && (runtime.GOOS == "windows" || runtime.GOOS == "darwin") {
		f.Family = runtime.GOOS
		collectLivePlatform(ctx, &f, &w)
	} else {
		collectUnix(ctx, req.Root, live, &f, &w)
	}
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("os collector: %w", err)
	}
	found := detectEntitlements(ctx, req.Root, &w)
	f.Entitlements = mergeEntitlements(found, opts.Entitlements)
	if f.ReleaseSource == "" && f.Hostname == "" && f.MachineID == "" && f.Kernel.Release == "" {
		return sdk.Response{}, fmt.Errorf("os collector: no os facts under host root %s: %s", req.Root.Dir(), strings.Join(w, "; "))
	}
	return sdk.Response{Facts: f, Warnings: w}, nil
}

// collectUnix fills f from the files of a Linux (or other os-release)
// host root, and from the running system only when live.
func collectUnix(ctx context.Context, root *hostroot.Root, live bool, f *Facts, w *sdk.Warnings) {
	collectIdentity(ctx, root, f, w)

	if live {
		f.Family = runtime.GOOS
		lk := collectLiveKernel(ctx, w)
		f.Kernel.Release = lk.release
		f.Architecture = lk.arch
		f.BootTime = lk.bootTime
		f.Hostname = lk.hostname
	} else {
		if f.ReleaseSource != "" {
			f.Family = "linux"
		}
		collectFileHostname(ctx, root, f, w)
		collectProcKernel(ctx, root, f, w)
		collectFileArch(ctx, root, f, w)
	}
	// The kernel's name and build string have no gopsutil call; a live
	// root's /proc is the running kernel's anyway.
	if b, ok := readOptional(ctx, root, "/proc/sys/kernel/ostype", w); ok {
		f.Kernel.Name = firstLine(b)
	} else if f.Kernel.Release != "" && f.Family == "linux" {
		f.Kernel.Name = "Linux"
	}
	if b, ok := readOptional(ctx, root, "/proc/sys/kernel/version", w); ok {
		f.Kernel.Version = firstLine(b)
	}
	collectMachineID(ctx, root, f, w)
}

// osReleasePaths are the os-release files in the order os-release(5)
// tells applications to read them.
var osReleasePaths = []string{"/etc/os-release", "/usr/lib/os-release"}

// collectIdentity reads os-release and the distribution's release file.
func collectIdentity(ctx context.Context, root *hostroot.Root, f *Facts, w *sdk.Warnings) {
	var vars map[string]string
	for _, p := range osReleasePaths {
		b, ok := readOptional(ctx, root, p, w)
		if !ok {
			continue
		}
		vars = parseOSRelease(b)
		f.ReleaseSource = p
		break
	}
	if vars == nil {
		w.Add("identity: no os-release found (%s)", strings.Join(osReleasePaths, ", "))
		return
	}
	id := identityOf(vars)
	f.ID, f.IDLike, f.Name, f.PrettyName = id.ID, id.IDLike, id.Name, id.PrettyName
	f.VersionID, f.Version, f.VersionCodename = id.VersionID, id.Version, id.VersionCodename

	for _, rf := range releaseFiles {
		if !rf.appliesTo(id) {
			continue
		}
		b, ok := readOptional(ctx, root, rf.path, w)
		if !ok {
			continue
		}
		if v := rf.parse(b); consistent(v, id.VersionID) {
			f.PointRelease = v
			return
		}
	}
	f.PointRelease = versionFromVersion(id)
}

// collectFileHostname reads /etc/hostname. The kernel's host name under
// /proc is not used: /proc/sys/kernel/hostname shows the reader's UTS
// namespace, i.e. the container's name, not the host's.
func collectFileHostname(ctx context.Context, root *hostroot.Root, f *Facts, w *sdk.Warnings) {
	if b, ok := readOptional(ctx, root, "/etc/hostname", w); ok {
		f.Hostname = parseHostname(b)
	}
	if f.Hostname == "" {
		w.Add("hostname: /etc/hostname missing or empty")
	}
}

// collectMachineID reads /etc/machine-id, or the D-Bus copy that older
// systems without systemd keep.
func collectMachineID(ctx context.Context, root *hostroot.Root, f *Facts, w *sdk.Warnings) {
	for _, p := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if b, ok := readOptional(ctx, root, p, w); ok {
			if f.MachineID = parseMachineID(b); f.MachineID != "" {
				return
			}
		}
	}
	w.Add("machine id: no valid /etc/machine-id or /var/lib/dbus/machine-id")
}

// collectProcKernel reads the kernel release and boot time from the host's
// /proc when the root has one (a container that mounts the host at /host
// usually mounts its /proc too); a copied or offline root has none.
func collectProcKernel(ctx context.Context, root *hostroot.Root, f *Facts, w *sdk.Warnings) {
	if b, ok := readOptional(ctx, root, "/proc/sys/kernel/osrelease", w); ok {
		f.Kernel.Release = firstLine(b)
	}
	if f.Kernel.Release == "" {
		w.Add("kernel: no /proc/sys/kernel/osrelease under the host root, and the root is not the running system")
	}
	if b, ok := readOptional(ctx, root, "/proc/stat", w); ok {
		if t, ok := parseBootTime(b); ok {
			f.BootTime = &t
		}
	}
	if f.BootTime == nil {
		w.Add("boot time: no btime in /proc/stat under the host root, and the root is not the running system")
	}
}

// archFiles name the architecture of a host root: the kernel's own (when
// /proc is there), then the package manager's native architecture.
var archFiles = []struct {
	path  string
	limit int64
	parse func([]byte) string
}{
	{"/proc/sys/kernel/arch", maxFileSize, parseArch},
	{"/var/lib/dpkg/arch", maxFileSize, parseArch},
	{"/etc/apk/arch", maxFileSize, parseArch},
	{"/var/lib/dpkg/status", maxDpkgStatusSize, parseDpkgStatusArch},
}

// maxDpkgStatusSize bounds /var/lib/dpkg/status, a few MB on a large host.
const maxDpkgStatusSize = 64 << 20

// collectFileArch reads the architecture of a host root that is not live.
func collectFileArch(ctx context.Context, root *hostroot.Root, f *Facts, w *sdk.Warnings) {
	var tried []string
	for _, a := range archFiles {
		tried = append(tried, a.path)
		if b, ok := readOptionalLimit(ctx, root, a.path, a.limit, w); ok {
			if f.Architecture = a.parse(b); f.Architecture != "" {
				return
			}
		}
	}
	w.Add("architecture: none of %s under the host root names it", strings.Join(tried, ", "))
}

// detectEntitlements returns the extended-support entitlements visible on
// the host.
func detectEntitlements(ctx context.Context, root *hostroot.Root, w *sdk.Warnings) []string {
	var found []string
	for _, p := range esmInfraSources {
		if b, ok := readOptional(ctx, root, p, w); ok && aptSourceEnabled(b, strings.HasSuffix(p, ".sources")) {
			found = append(found, EntitlementUbuntuPro)
			break
		}
	}
	return found
}

// readOptional reads a small host file. A missing file is not worth a
// warning (the caller knows whether it matters); any other failure is.
func readOptional(ctx context.Context, root *hostroot.Root, path string, w *sdk.Warnings) ([]byte, bool) {
	return readOptionalLimit(ctx, root, path, maxFileSize, w)
}

// readOptionalLimit is readOptional for a file that may be up to limit
// bytes long.
func readOptionalLimit(ctx context.Context, root *hostroot.Root, path string, limit int64, w *sdk.Warnings) ([]byte, bool) {
	if ctx.Err() != nil {
		return nil, false
	}
	b, err := root.ReadFile(path, limit)
	switch {
	case err == nil:
		return b, true
	case errors.Is(err, fs.ErrNotExist):
		return nil, false
	default:
		w.Add("%v", err)
		return nil, false
	}
}
