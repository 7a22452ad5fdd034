package auditfleet.controls.ico_sec_01

extra := true
