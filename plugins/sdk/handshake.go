package sdk

import "github.com/hashicorp/go-plugin"

// ProtocolVersion is the collector plugin protocol version.
//
// History:
//   - 1: Info and Collect over gRPC (auditfleet.collector.v1). A Collect
//     answering FailedPrecondition means "not applicable to this host".
const ProtocolVersion = 1

// PluginName is the key of the collector in go-plugin's plugin set.
const PluginName = "collector"

// Handshake is shared by the agent and every collector. The cookie is not
// a security measure; it only stops a collector binary from being run by
// hand and hanging while it waits for a host.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "AUDITFLEET_COLLECTOR",
	MagicCookieValue: "c0llect-facts-for-auditfleet",
}
