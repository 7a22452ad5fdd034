// Command accounts is the accounts collector plugin. The agent starts it;
// run by hand it exits, as go-plugin's handshake is missing.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/accounts"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(accounts.New()) }
