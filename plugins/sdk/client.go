package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/internal/strictjson"
	"github.com/auditfleet/auditfleet/plugins/sdk/proto"
)

// MaxFactsBytes bounds the facts one collector may return.
const MaxFactsBytes = 32 << 20

// factsLimits bounds one collector's facts object so that the facts
// document carrying it (where it sits two levels down, at
// facts.<namespace>) stays within what the server accepts
// (strictjson.Default).
var factsLimits = func() strictjson.Limits {
	l := strictjson.Default
	l.MaxDepth -= 2
	return l
}()

// ErrInvalidOutput is wrapped by Client errors when a collector answered
// with something that is not a valid facts document.
var ErrInvalidOutput = errors.New("invalid collector output")

// Client calls a collector plugin. The agent's plugin host gets one from
// go-plugin's Dispense.
type Client struct {
	rpc proto.CollectorClient
}

// Output is a validated collector response.
type Output struct {
	Namespace     string
	SchemaVersion int
	// Facts is a JSON object.
	Facts    json.RawMessage
	Warnings []string
	Partial  bool
}

// Info asks the collector to describe itself.
func (c *Client) Info(ctx context.Context) (Info, error) {
	r, err := c.rpc.Info(ctx, &proto.InfoRequest{})
	if err != nil {
		return Info{}, fmt.Errorf("collector info: %w", err)
	}
	i := Info{Name: r.GetName(), Version: r.GetVersion(), Namespace: r.GetNamespace(), SchemaVersion: int(r.GetSchemaVersion())}
	if !facts.ValidNamespace(i.Namespace) {
		return Info{}, fmt.Errorf("collector info: namespace %q: %w", i.Namespace, ErrInvalidOutput)
	}
	return i, nil
}

// Collect asks the collector to read the host under hostRoot as at time
// now (zero: the plugin's clock). opts is the collector's options object;
// nil means none.
func (c *Client) Collect(ctx context.Context, hostRoot string, opts json.RawMessage, now time.Time) (Output, error) {
	if opts == nil {
		opts = json.RawMessage("{}")
	}
	req := &proto.CollectRequest{HostRoot: hostRoot, OptionsJson: opts}
	if !now.IsZero() {
		req.NowUnixNano = now.UnixNano()
	}
	r, err := c.rpc.Collect(ctx, req)
	if st, ok := status.FromError(err); ok && st.Code() == codes.FailedPrecondition {
		return Output{}, fmt.Errorf("%w: %s", ErrNotApplicable, strings.TrimSuffix(st.Message(), ": "+ErrNotApplicable.Error()))
	}
	if err != nil {
		return Output{}, fmt.Errorf("collect: %w", err)
	}
	out := Output{
		Namespace:     r.GetNamespace(),
		SchemaVersion: int(r.GetSchemaVersion()),
		Facts:         r.GetFactsJson(),
		Warnings:      r.GetWarnings(),
		Partial:       r.GetPartial() || len(r.GetWarnings()) > 0,
	}
	if err := validate(out); err != nil {
		return Output{}, fmt.Errorf("collect: %w: %w", ErrInvalidOutput, err)
	}
	return out, nil
}

func validate(o Output) error {
	if !facts.ValidNamespace(o.Namespace) {
		return fmt.Errorf("namespace %q is not valid", o.Namespace)
	}
	if o.SchemaVersion < 1 {
		return fmt.Errorf("schema version %d is not valid", o.SchemaVersion)
	}
	if len(o.Facts) > MaxFactsBytes {
		return fmt.Errorf("facts are %d bytes, over the %d byte limit", len(o.Facts), MaxFactsBytes)
	}
	trimmed := bytes.TrimSpace(o.Facts)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return errors.New("facts are not a JSON object")
	}
	if err := strictjson.Check(trimmed, factsLimits); err != nil {
		return fmt.Errorf("facts: %w", err)
	}
	return nil
}
