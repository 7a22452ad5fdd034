package osinfo

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/host"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// isLive reports whether root is the running system, so that live sources
// describe the same host as its files. hostroot.Root.IsLive compares the
// root with "/", which a Windows drive root ("C:\") never equals, so on
// Windows the system drive's root counts as live too.
func isLive(r *hostroot.Root) bool {
	if r.IsLive() {
		return true
	}
	if runtime.GOOS == "windows" {
		if d := os.Getenv("SystemDrive"); d != "" {
			return strings.EqualFold(filepath.Clean(r.Dir()), filepath.Clean(d+`\`))
		}
	}
	return false
}

// liveKernel holds what the running system reports about itself.
type liveKernel struct {
	release, arch, hostname string
	bootTime                *time.Time
}

// collectLiveKernel asks the running system (through gopsutil) for the
// kernel release, architecture, boot time and host name. Each part that
// fails becomes a warning.
func collectLiveKernel(ctx context.Context, w *sdk.Warnings) liveKernel {
	var lk liveKernel
	var err error
	if lk.release, err = host.KernelVersionWithContext(ctx); err != nil {
		w.Add("kernel release: %v", err)
	}
	if lk.arch, err = host.KernelArch(); err != nil {
		w.Add("architecture: %v", err)
	}
	if bt, err := host.BootTimeWithContext(ctx); err != nil || bt == 0 {
		w.Add("boot time: %v", errOr(err, "not reported"))
	} else {
		t := time.Unix(int64(bt), 0).UTC()
		lk.bootTime = &t
	}
	if lk.hostname, err = os.Hostname(); err != nil {
		w.Add("hostname: %v", err)
	}
	return lk
}

// windowsBuildRE takes "10.0.22631" from gopsutil's Windows kernel version
// "10.0.22631.3880 Build 22631.3880".
var windowsBuildRE = regexp.MustCompile(`^([0-9]+\.[0-9]+\.[0-9]+)(?:\.([0-9]+))?`)

// collectLivePlatform fills the identity of a live Windows or macOS host,
// which has no os-release, from gopsutil.
func collectLivePlatform(ctx context.Context, f *Facts, w *sdk.Warnings) {
	platform, _, version, err := host.PlatformInformationWithContext(ctx)
	if err != nil {
		w.Add("platform: %v", err)
	}
	lk := collectLiveKernel(ctx, w)
	f.Kernel.Release = lk.release
	f.Architecture = lk.arch
	f.Hostname = lk.hostname
	f.BootTime = lk.bootTime
	if id, err := host.HostIDWithContext(ctx); err != nil {
		w.Add("machine id: %v", err)
	} else {
		f.MachineID = strings.ToLower(id)
	}
	f.ReleaseSource = "gopsutil"
	switch runtime.GOOS {
	case "windows":
		// platform is the product name ("Microsoft Windows 11 Pro"),
		// version the feature update ("23H2"); the kernel version carries
		// the build ("10.0.22631.3880 Build 22631.3880").
		f.Kernel.Name = "Windows_NT"
		f.ID = "windows"
		f.Name = platform
		f.Version = version
		f.PrettyName = strings.TrimSpace(platform + " " + version)
		if m := windowsBuildRE.FindStringSubmatch(lk.release); m != nil {
			f.VersionID = m[1]
			if m[2] != "" {
				f.PointRelease = m[1] + "." + m[2]
			}
			f.Kernel.Release = m[0]
		}
	case "darwin":
		// platform is "darwin", version the product version ("14.5").
		f.Kernel.Name = "Darwin"
		f.ID = "macos"
		f.Name = "macOS"
		f.VersionID = version
		f.Version = version
		f.PrettyName = strings.TrimSpace("macOS " + version)
	default:
		f.Kernel.Name = platform
		f.ID = strings.ToLower(platform)
		f.Name = platform
		f.VersionID = version
		f.Version = version
		f.PrettyName = strings.TrimSpace(platform + " " + version)
	}
	if f.ID == "" {
		w.Add("identity: the running system did not report its platform")
	}
}

// errOr returns err's message, or msg when err is nil.
func errOr(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}
