package auditfleet.tools

today := "1970-01-01"
