// Command testplugin is a collector whose behaviour is chosen by the name
// it is installed under, so the plugin host can be tested against real
// plugin processes that work, crash, hang or answer garbage.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/auditfleet/auditfleet/plugins/sdk"
	"github.com/auditfleet/auditfleet/plugins/sdk/proto"
)

type collector struct{ mode string }

func (c collector) Info() sdk.Info {
	ns := "test_" + strings.ReplaceAll(c.mode, "-", "_")
	if c.mode == "wrong-namespace" {
		ns = "os"
	}
	return sdk.Info{Name: c.mode, Version: "1.2.3", Namespace: ns, SchemaVersion: 1}
}

func (c collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	switch c.mode {
	case "crash":
		panic("testplugin: deliberate crash")
	case "exit":
		os.Exit(3)
	case "hang":
		time.Sleep(time.Hour)
	case "fail":
		return sdk.Response{}, fmt.Errorf("cannot read the host")
	case "not-applicable":
		return sdk.Response{}, fmt.Errorf("no such package manager here: %w", sdk.ErrNotApplicable)
	}
	b, err := req.Root.ReadFile("/etc/hostname", 0)
	if err != nil {
		return sdk.Response{Facts: map[string]any{"hostname": nil}, Warnings: []string{err.Error()}}, nil
	}
	return sdk.Response{Facts: map[string]any{
		"hostname": strings.TrimSpace(string(b)),
		"options":  string(req.Options),
		// The host starts plugins without its environment.
		"saw_host_env": os.Getenv("AUDITFLEET_TEST_HOST_ENV") != "",
	}}, nil
}

// garbageServer answers Collect with bytes that are not JSON.
type garbageServer struct {
	proto.UnimplementedCollectorServer
}

func (garbageServer) Info(context.Context, *proto.InfoRequest) (*proto.InfoResponse, error) {
	return &proto.InfoResponse{Name: "garbage", Version: "0", Namespace: "test_garbage", SchemaVersion: 1}, nil
}

func (garbageServer) Collect(context.Context, *proto.CollectRequest) (*proto.CollectResponse, error) {
	return &proto.CollectResponse{Namespace: "test_garbage", SchemaVersion: 1, FactsJson: []byte("\x00\xffnot json{")}, nil
}

type garbagePlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (garbagePlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterCollectorServer(s, garbageServer{})
	return nil
}

func (garbagePlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, fmt.Errorf("not a client")
}

func main() {
	mode := strings.TrimPrefix(filepath.Base(os.Args[0]), "collector-")
	switch mode {
	case "noise":
		// Garbage where the handshake line should be.
		fmt.Println("this is not a go-plugin handshake")
		time.Sleep(time.Hour)
	case "slow-start":
		time.Sleep(time.Hour)
	case "garbage":
		plugin.Serve(&plugin.ServeConfig{
			HandshakeConfig: sdk.Handshake,
			Plugins:         plugin.PluginSet{sdk.PluginName: garbagePlugin{}},
			GRPCServer:      plugin.DefaultGRPCServer,
		})
		return
	}
	sdk.Serve(collector{mode: mode})
}
