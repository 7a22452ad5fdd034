package auditfleet.controls.org_broken_01

result := {"status": "pass" if {
