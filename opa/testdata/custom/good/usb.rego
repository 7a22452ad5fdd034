# METADATA
# title: USB storage is disabled
# description: Removable storage lets personal data leave the estate unlogged.
# custom:
#   id: ORG-USB-01
#   area: RMS
#   severity: medium
#   mappings:
#     cis_v8: ["10.3"]
#     iso27001: ["7.10"]
#   remediation: Blacklist the usb-storage kernel module.
package auditfleet.controls.org_usb_01

import data.auditfleet.custom.helpers

result := {"status": "fail", "evidence": [{"subject": "usb-storage", "detail": helpers.message, "fact": "os.kernel"}]} if {
	input.facts.os.id == "debian"
} else := {"status": "not_assessed", "evidence": [{"subject": "os", "detail": "no os facts", "fact": "os"}]}
