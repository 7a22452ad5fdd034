package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/agent/config"
	"github.com/auditfleet/auditfleet/hostroot"
)

// Exit codes of auditfleet-agent.
const (
	// ExitOK: the command worked and no control failed.
	ExitOK = 0
	// ExitError: an operational error: bad flags or configuration, an
	// unusable plugin directory, policies that would not load, or a scan
	// in which a control could not be evaluated (status error).
	ExitError = 1
	// ExitFailed: the scan ran and at least one control failed. It takes
	// precedence over ExitError.
	ExitFailed = 2
)

// Environment variables read by the agent.
const (
	EnvPluginDir = "AUDITFLEET_PLUGIN_DIR"
	EnvConfig    = "AUDITFLEET_CONFIG"
)

// SystemPluginDir is where packages install the collector plugins.
const SystemPluginDir = "/usr/lib/auditfleet/plugins"

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// options are the flags shared by every subcommand.
type options struct {
	configPath       string
	hostRoot         string
	pluginDir        string
	collectorTimeout time.Duration
	logLevel         string
	customDir        string
	bundle           string
	bundleKey        string
	orgDir           string

	stdout, stderr io.Writer
	cfg            *config.Config
	log            *slog.Logger
}

// Main runs the agent command line with args (without the program name)
// and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := &options{stdout: stdout, stderr: stderr}
	root := newRoot(o)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code != ExitFailed {
			fmt.Fprintln(stderr, "auditfleet-agent:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "auditfleet-agent:", err)
	return ExitError
}

func newRoot(o *options) *cobra.Command {
	root := &cobra.Command{
		Use:           "auditfleet-agent",
		Short:         "Collect security-posture facts from this host and audit them",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return o.setup(cmd)
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&o.configPath, "config", "", "agent configuration file (env "+EnvConfig+", default "+config.DefaultPath+" if present)")
	f.StringVar(&o.hostRoot, "host-root", "", "directory to audit as \"/\" (env "+hostroot.Env+", default /)")
	f.StringVar(&o.pluginDir, "plugin-dir", "", "collector plugin directory (env "+EnvPluginDir+", default <agent dir>/plugins or "+SystemPluginDir+")")
	f.DurationVar(&o.collectorTimeout, "collector-timeout", 0, "time limit per collector, overriding manifests and config")
	f.StringVar(&o.logLevel, "log-level", "warn", "log level: debug, info, warn or error (logs go to stderr)")
	root.AddCommand(newCollect(o), newScan(o), newControls(o), newBundle(o), newVersion(o), newPlugins(o))
	root.AddCommand(newEnroll(o), newRun(o), newRestoreTest(o))
	return root
}

// setup resolves configuration from flags, environment and the config file.
func (o *options) setup(cmd *cobra.Command) error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(o.logLevel)); err != nil {
		return &exitError{ExitError, fmt.Errorf("--log-level %q: %w", o.logLevel, err)}
	}
	o.log = slog.New(slog.NewTextHandler(o.stderr, &slog.HandlerOptions{Level: lvl}))
	if cmd.Name() == "version" || cmd.Name() == "manifest" {
		return nil
	}
	path := firstNonEmpty(o.configPath, os.Getenv(EnvConfig))
	cfg, err := config.Load(path)
	if err != nil {
		return &exitError{ExitError, err}
	}
	o.cfg = cfg
	applyRuntimeLimits(cfg.Limits, o.log)
	o.hostRoot = firstNonEmpty(o.hostRoot, os.Getenv(hostroot.Env), cfg.HostRoot, hostroot.DefaultDir)
	o.pluginDir = firstNonEmpty(o.pluginDir, os.Getenv(EnvPluginDir), cfg.PluginDir, defaultPluginDir())
	if o.collectorTimeout == 0 {
		o.collectorTimeout = time.Duration(cfg.CollectorTimeout)
	}
	return nil
}

// applyRuntimeLimits sets the agent's GOMAXPROCS and soft memory limit
// from the configuration, unless the environment set them.
func applyRuntimeLimits(l config.Limits, log *slog.Logger) {
	procs, mem := l.Runtime(os.Getenv)
	if procs > 0 {
		runtime.GOMAXPROCS(procs)
	}
	if mem > 0 {
		debug.SetMemoryLimit(mem)
	}
	log.Debug("runtime limits", "gomaxprocs", runtime.GOMAXPROCS(0), "memory_limit", debug.SetMemoryLimit(-1))
}

// defaultPluginDir prefers a plugins directory beside the agent binary (a
// build tree or tarball), then the packaged location.
func defaultPluginDir() string {
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			d := filepath.Join(filepath.Dir(real), "plugins")
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				return d
			}
		}
	}
	return SystemPluginDir
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
