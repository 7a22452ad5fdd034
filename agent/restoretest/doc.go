// Package restoretest tests that a backup can be restored: it restores a
// sample of a restic job's latest snapshot to a private temporary
// directory, has restic verify the restored content against the
// snapshot, compares each restored file with the live one where the live
// one has not changed since the backup, and writes the outcome as a
// restore-test evidence record that the backups collector reads (and
// ICO-BKP-02 judges).
package restoretest
