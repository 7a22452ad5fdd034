package auditfleet.custom.helpers

message := "usb-storage module is loadable"
