package auditfleet.controls.org_nometa_01

result := {"status": "pass", "evidence": []}
