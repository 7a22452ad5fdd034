package change

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/hosttags"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// Collector is the "change" collector.
type Collector struct {
	// open opens a host file or directory; the host root's Open when nil.
	// Tests use it to make one fail, which running as root cannot do
	// with file modes.
	open func(root *hostroot.Root, name string) (*os.File, error)
}

// New returns the "change" collector.
func New() *Collector { return &Collector{} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector; it does not read the host.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "change", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads the declared environment, the deployment record file and
// searches the declared canary paths, all under req.Root. Missing files
// are not warnings; unreadable ones, bad records, bad options and partial
// searches are. It fails only without a host root or when ctx ends.
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect change: no host root")
	}
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("collect change: %w", err)
	}
	opts, ow := parseOptions(req.Options)
	warns := sdk.Warnings(ow)
	f := Facts{Deployments: []Deployment{}, CanaryPaths: []string{}, Canaries: []Canary{}}

	f.Environment = opts.Environment
	if f.Environment == "" && opts.TagsFile != "" {
		b, err := readRegular(req.Root, opts.TagsFile, hosttags.MaxFileSize)
		switch {
		case missing(err):
		case err != nil:
			warns.Add("tags file: %v; environment not read", err)
		default:
			// Its other lines are the continuity collector's to report.
			d, _ := hosttags.Parse(opts.TagsFile, b)
			f.Environment = d.Tags["env"]
		}
	}

	if opts.DeploymentsFile != "" {
		b, err := readRegular(req.Root, opts.DeploymentsFile, maxDeploymentsFile)
		if missing(err) {
			// A symbolic link there that leads nowhere is a record file
			// that cannot be read, not a host without records.
			if fi, lerr := req.Root.Lstat(opts.DeploymentsFile); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
				err = fmt.Errorf("read %s: symbolic link to a missing file", opts.DeploymentsFile)
			}
		}
		switch {
		case missing(err):
		case err != nil:
			warns.Add("deployment records: %v; not read, deployments unknown", err)
			f.Deployments = nil
		default:
			var w []string
			f.Deployments, w = ParseDeployments(opts.DeploymentsFile, b)
			warns = append(warns, w...)
			switch {
			case len(f.Deployments) == 0 && len(w) > 0:
				warns.Add("deployment records: no record of %s could be understood; deployments unknown", opts.DeploymentsFile)
				f.Deployments = nil
			case len(w) > maxUnreadRecords:
				f.UnreadRecords = append(w[:maxUnreadRecords:maxUnreadRecords], fmt.Sprintf("%s: and %d more records not understood", opts.DeploymentsFile, len(w)-maxUnreadRecords))
			case len(w) > 0:
				f.UnreadRecords = w
			}
		}
	}

	open := c.open
	if open == nil {
		open = (*hostroot.Root).Open
	}
	s := &searcher{root: req.Root, markers: opts.Canaries, readMax: opts.MaxReadBytes, budget: opts.MaxFiles, maxFiles: opts.MaxFiles, open: open}
	for _, p := range opts.CanaryPaths {
		ok, err := s.search(ctx, p, &warns)
		if err != nil {
			return sdk.Response{}, fmt.Errorf("collect change: %w", err)
		}
		if ok {
			f.CanaryPaths = append(f.CanaryPaths, p)
		} else {
			f.UnsearchedPaths = append(f.UnsearchedPaths, p)
		}
	}
	if s.found != nil {
		f.Canaries = s.found
		slices.SortStableFunc(f.Canaries, func(a, b Canary) int { return strings.Compare(a.Path, b.Path) })
	}
	return sdk.Response{Facts: f, Warnings: warns}, nil
}

// missing reports whether err says the file is absent.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// readRegular reads the host file name, which must be a regular file
// (following symbolic links inside the host root) of at most limit bytes.
func readRegular(root *hostroot.Root, name string, limit int64) ([]byte, error) {
	fi, err := root.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file", name)
	}
	b, err := root.ReadFile(name, limit)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}
