// Package backups defines the "backups" facts namespace, the contract
// between a future backups collector and the ICO-BKP-01, ICO-BKP-02 and
// ICO-BKP-03 policies (backups current, restore tested, backups protected
// and isolated).
//
// The collector is not implemented yet. It will read, through the host
// root: restic and borg repositories declared in its configuration (last
// snapshot time; encryption; whether the repository is off the host and
// append-only or object-locked), rsnapshot configuration and logs, systemd
// timers and units whose names say backup (last run and result), and
// restore-test evidence records (date, result, what was restored, whether
// checksums matched).
//
// Its JSON Schema is schemas/backups.schema.json.
package backups
