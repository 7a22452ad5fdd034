package baseline

import (
	"context"
	"errors"
	"fmt"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// maxConfSize bounds every configuration file read.
const maxConfSize = 1 << 20

// Collector is the "baseline" collector.
type Collector struct{}

// New returns the "baseline" collector.
func New() *Collector { return &Collector{} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector; it does not read the host.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "baseline", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads the sshd configuration and the accepting sockets of
// req.Root. Unreadable parts are warnings. It fails without a host root
// or when ctx ends, and returns an error wrapping sdk.ErrNotApplicable
// when the root has neither an OpenSSH server nor /proc/net tables.
//
// When the root has no /proc/net tables the sockets are unknown: Listening
// is null (not empty, which would say nothing listens) and a warning says
// so; ICO-SEC-04 then cannot pass on the ports.
func (*Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect baseline: no host root")
	}
	_, warns := parseOptions(req.Options)
	h := &host{ctx: ctx, root: req.Root, warns: warns}
	f := Facts{SSHD: h.sshd()}
	socks, known, present := h.listening()
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("collect baseline: %w", err)
	}
	if !known {
		if f.SSHD == nil && !present {
			return sdk.Response{}, fmt.Errorf("collect baseline: no sshd and no /proc/net socket tables under the host root: %w", sdk.ErrNotApplicable)
		}
		if !present {
			h.warns.Add("sockets: listening sockets unknown (no /proc/net tables under the host root); listening is null, not checked")
		}
		socks = nil
	}
	f.Listening = socks
	return sdk.Response{Facts: f, Warnings: h.warns}, nil
}

// host reads one host root, keeping the warnings.
type host struct {
	ctx   context.Context
	root  *hostroot.Root
	warns sdk.Warnings
}

// exists reports whether a host path exists; a symbolic link exists even
// when it leads nowhere (the file is there but cannot be read).
func (h *host) exists(name string) bool {
	_, err := h.root.Lstat(name)
	return err == nil
}
