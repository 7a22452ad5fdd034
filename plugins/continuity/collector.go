package continuity

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"syscall"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/hosttags"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// Collector is the "continuity" collector.
type Collector struct{}

// New returns the "continuity" collector.
func New() *Collector { return &Collector{} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector; it does not read the host.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "continuity", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads the host's tags file under req.Root and merges it with
// the declaration in req.Options. A missing tags file is not a warning;
// an unreadable one, bad lines and bad options are, and a tags file there
// but not read in full is named in Facts.Unread. It fails only without a
// host root or when ctx has ended.
func (*Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect continuity: no host root")
	}
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("collect continuity: %w", err)
	}
	opts, ow := parseOptions(req.Options)
	warns := sdk.Warnings(ow)
	var file Declaration
	source, unread := "", ""
	if opts.TagsFile != "" {
		b, err := readTagsFile(req.Root, opts.TagsFile)
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
			if _, lerr := req.Root.Lstat(opts.TagsFile); lerr == nil {
				warns.Add("read tags file: %s is a symbolic link to nothing; host declaration not read", opts.TagsFile)
				unread = opts.TagsFile + ": a symbolic link to nothing"
			}
		case errors.Is(err, errNotRegular):
			warns.Add("%v; host declaration not read", err)
			unread = opts.TagsFile + ": " + errNotRegular.Error()
		case err != nil:
			warns.Add("%v; host declaration not read", err)
			unread = err.Error()
		case textcheck.Binary(b) != "":
			why := textcheck.Binary(b)
			warns.Add("read tags file: %s: %s; host declaration not read", opts.TagsFile, why)
			unread = opts.TagsFile + ": " + why
		default:
			var w []string
			file, w = hosttags.Parse(opts.TagsFile, b)
			warns = append(warns, w...)
			source = opts.TagsFile
			if why := textcheck.CutShort(b); why != "" {
				warns.Add("read tags file: %s: %s", opts.TagsFile, why)
				unread = opts.TagsFile + ": " + why
			} else if len(w) > 0 {
				unread = fmt.Sprintf("%s: %d lines not understood (first: %s)", opts.TagsFile, len(w), w[0])
			}
		}
	}
	f, w := merge(file, opts.Declared)
	f.Source, f.Unread = source, unread
	return sdk.Response{Facts: f, Warnings: append(warns, w...)}, nil
}

// merge combines the tags file's declaration with the options' one into
// facts. Tags given in the options win over the file's; plan references
// are the file's then the options', without duplicates. The host is a
// continuity system when either declaration says so or its role tag is
// continuity-system; a declaration saying false alongside one of those
// gives a warning (the host is still treated as one, so that the
// ICO-BCP-02 checks are not skipped on a contradiction).
func merge(file, opt Declaration) (Facts, []string) {
	f := Facts{Tags: map[string]string{}, PlanRefs: []string{}}
	maps.Copy(f.Tags, file.Tags)
	maps.Copy(f.Tags, opt.Tags)
	all := Declaration{}
	for _, r := range append(append([]string{}, file.PlanRefs...), opt.PlanRefs...) {
		_ = all.AddPlanRef(r) // already validated
	}
	if all.PlanRefs != nil {
		f.PlanRefs = all.PlanRefs
	}
	saysFalse := false
	for _, d := range []Declaration{file, opt} {
		if d.ContinuitySystem != nil {
			if *d.ContinuitySystem {
				f.ContinuitySystem = true
			} else {
				saysFalse = true
			}
		}
	}
	if f.Tags["role"] == RoleContinuitySystem {
		f.ContinuitySystem = true
	}
	var warns sdk.Warnings
	if saysFalse && f.ContinuitySystem {
		warns = append(warns, "continuity_system is declared false, but the role tag or another declaration makes this a continuity system; treated as one")
	}
	return f, warns
}

// errNotRegular is the error for a tags file that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// readTagsFile reads the tags file name, which must be a regular file
// (following symbolic links inside the host root).
func readTagsFile(root *hostroot.Root, name string) ([]byte, error) {
	fi, err := root.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("read tags file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read tags file: %s is %w", name, errNotRegular)
	}
	b, err := root.ReadFile(name, hosttags.MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read tags file: %w", err)
	}
	return b, nil
}
