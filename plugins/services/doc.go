// Package services defines the "services" facts namespace, the contract
// between a future services collector and the ICO-MON-01 policy (failures
// do not go unnoticed).
//
// The collector is not implemented yet. It will read, through the host
// root, the state of systemd units and timers (failed units with the time
// they failed and their result) and the cron logs (syslog, cron.log, the
// journal) for jobs whose recent runs failed, with since when.
//
// Its JSON Schema is schemas/services.schema.json.
package services
