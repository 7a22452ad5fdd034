package sdk

import (
	"github.com/hashicorp/go-plugin"
)

// Serve runs c as a collector plugin. It is the whole of a collector's
// main function and returns only when the agent stops the plugin.
func Serve(c Collector) {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         PluginSet(c),
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}

// PluginSet returns the go-plugin plugin set for a collector; pass nil on
// the host side.
func PluginSet(c Collector) plugin.PluginSet {
	return plugin.PluginSet{PluginName: &GRPCPlugin{Impl: c}}
}
