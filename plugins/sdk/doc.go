// Package sdk is the collector plugin contract: the Collector interface a
// plugin implements, Serve to run it as a hashicorp/go-plugin gRPC plugin,
// and Client, which the agent's plugin host uses to call it.
//
// A collector is a separate binary whose main is one line:
//
//	func main() { sdk.Serve(mycollector.New()) }
package sdk
