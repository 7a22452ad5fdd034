// Command logging is the "logging" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/logging"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(logging.New()) }
