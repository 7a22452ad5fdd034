package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk/proto"
)

// GRPCPlugin adapts a Collector to go-plugin's gRPC transport. Impl is set
// on the plugin side and nil on the host side.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Collector
}

// GRPCServer registers the collector service on the plugin side.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterCollectorServer(s, &server{impl: p.Impl})
	return nil
}

// GRPCClient returns a *Client on the host side.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &Client{rpc: proto.NewCollectorClient(c)}, nil
}

// server is the plugin-side gRPC service.
type server struct {
	proto.UnimplementedCollectorServer
	impl Collector
}

func (s *server) Info(context.Context, *proto.InfoRequest) (*proto.InfoResponse, error) {
	i := s.impl.Info()
	return &proto.InfoResponse{Name: i.Name, Version: i.Version, Namespace: i.Namespace, SchemaVersion: uint32(i.SchemaVersion)}, nil
}

func (s *server) Collect(ctx context.Context, req *proto.CollectRequest) (*proto.CollectResponse, error) {
	root, err := hostroot.Open(req.GetHostRoot())
	if err != nil {
		return nil, err
	}
	defer root.Close()
	opts := json.RawMessage(req.GetOptionsJson())
	if len(opts) == 0 {
		opts = json.RawMessage("{}")
	}
	now := time.Now()
	if n := req.GetNowUnixNano(); n != 0 {
		now = time.Unix(0, n)
	}
	resp, err := s.impl.Collect(ctx, Request{Root: root, Options: opts, Now: now.UTC()})
	if errors.Is(err, ErrNotApplicable) {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(resp.Facts)
	if err != nil {
		return nil, fmt.Errorf("marshal facts: %w", err)
	}
	i := s.impl.Info()
	return &proto.CollectResponse{
		Namespace:     i.Namespace,
		SchemaVersion: uint32(i.SchemaVersion),
		FactsJson:     b,
		Warnings:      resp.Warnings,
		Partial:       len(resp.Warnings) > 0,
	}, nil
}
