// Command os is the "os" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/sdk"

	osinfo "github.com/auditfleet/auditfleet/plugins/os"
)

func main() { sdk.Serve(osinfo.New()) }
