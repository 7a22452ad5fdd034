// Command testplugin is a collector whose behaviour is chosen by the name
// it is installed under, so the plugin host can be tested against real
// plugin processes that work, crash, hang or answer garbage.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
	case "spin":
		// Burns CPU time until killed.
		for n := 0; ; n++ {
			if n < 0 {
				return sdk.Response{}, nil
			}
		}
	case "hog":
		// Grows its resident memory by 8 MiB every 20ms, up to 512 MiB.
		var keep [][]byte
		for range 64 {
			b := make([]byte, 8<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			keep = append(keep, b)
			time.Sleep(20 * time.Millisecond)
		}
		return sdk.Response{Facts: map[string]any{"chunks": len(keep)}}, nil
	case "priority":
		return priority()
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

// priority reports the nice value (from /proc/self/stat) and I/O
// priority the collector process runs with.
func priority() (sdk.Response, error) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return sdk.Response{}, err
	}
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	nice, err := strconv.Atoi(f[16]) // field 19
	if err != nil {
		return sdk.Response{}, err
	}
	// ioprio_get(IOPRIO_WHO_PROCESS, 0): class in the top bits.
	r, _, e := syscall.Syscall(syscall.SYS_IOPRIO_GET, 1, 0, 0)
	if e != 0 {
		return sdk.Response{}, e
	}
	return sdk.Response{Facts: map[string]any{"nice": nice, "io_class": int(r) >> 13}}, nil
}

// rawServer answers Collect with facts bytes of its choosing, bypassing
// the SDK's encoding: output no real collector built on the SDK could
// give, which the agent must turn into a collector error.
type rawServer struct {
	proto.UnimplementedCollectorServer
	name  string
	facts func() []byte
}

func (r rawServer) ns() string { return "test_" + strings.ReplaceAll(r.name, "-", "_") }

func (r rawServer) Info(context.Context, *proto.InfoRequest) (*proto.InfoResponse, error) {
	return &proto.InfoResponse{Name: r.name, Version: "0", Namespace: r.ns(), SchemaVersion: 1}, nil
}

func (r rawServer) Collect(context.Context, *proto.CollectRequest) (*proto.CollectResponse, error) {
	return &proto.CollectResponse{Namespace: r.ns(), SchemaVersion: 1, FactsJson: r.facts()}, nil
}

type rawPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	srv rawServer
}

func (p rawPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterCollectorServer(s, p.srv)
	return nil
}

func (rawPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, fmt.Errorf("not a client")
}

// rawOutputs are the modes answering raw facts bytes.
var rawOutputs = map[string]func() []byte{
	"garbage":   func() []byte { return []byte("\x00\xffnot json{") },
	"array":     func() []byte { return []byte(`[{"a":1}]`) },
	"empty":     func() []byte { return nil },
	"deep":      func() []byte { return []byte(`{"x":` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + `}`) },
	"dupkeys":   func() []byte { return []byte(`{"hostname":"web-1","hostname":"evil"}`) },
	"badutf8":   func() []byte { return []byte("{\"hostname\":\"web-\xff\"}") },
	"surrogate": func() []byte { return []byte(`{"hostname":"web-\ud800"}`) },
	"truncated": func() []byte { return []byte(`{"hostname":"web-1","users":[{"name":"ro`) },
	// Just over sdk.MaxFactsBytes, within what gRPC carries.
	"oversized": func() []byte { return padded(sdk.MaxFactsBytes + 1) },
	// Over what the agent's gRPC client takes in one message.
	"huge": func() []byte { return padded(sdk.MaxFactsBytes + 2<<20) },
}

// padded returns a JSON object of n bytes.
func padded(n int) []byte {
	b := make([]byte, 0, n)
	b = append(b, `{"pad":"`...)
	for len(b) < n-2 {
		b = append(b, 'a')
	}
	return append(b, `"}`...)
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
	}
	if facts, ok := rawOutputs[mode]; ok {
		plugin.Serve(&plugin.ServeConfig{
			HandshakeConfig: sdk.Handshake,
			Plugins:         plugin.PluginSet{sdk.PluginName: rawPlugin{srv: rawServer{name: mode, facts: facts}}},
			GRPCServer:      plugin.DefaultGRPCServer,
		})
		return
	}
	sdk.Serve(collector{mode: mode})
}
