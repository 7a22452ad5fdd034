package sdk_test

import (
	"fmt"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func ExampleWarnings() {
	var w sdk.Warnings
	w.Add("%s: line %d: unknown directive", "/etc/ssh/sshd_config", 12)
	fmt.Println(sdk.Response{Warnings: w}.Warnings)
	// Output: [/etc/ssh/sshd_config: line 12: unknown directive]
}
