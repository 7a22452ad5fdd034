// Package restoretest tests that a backup can be restored: it restores a
// sample of a restic or borg job's latest snapshot or archive to a private
// temporary directory, letting the tool check what it restores (restic
// --verify; borg's chunk IDs and MACs), compares each restored file with
// the live one where the live one has not changed since the backup, and
// writes the outcome as a restore-test evidence record that the backups
// collector reads (and ICO-BKP-02 judges).
package restoretest
