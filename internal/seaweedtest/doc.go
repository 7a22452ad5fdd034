// Package seaweedtest runs a real SeaweedFS server (master, volume server,
// filer and S3 gateway in one `weed server` process) on 127.0.0.1 for
// tests of the S3 storage backend, the second S3 implementation beside
// MinIO (package miniotest). The binary comes from
// AUDITFLEET_SEAWEEDFS_BIN or $HOME/.cache/auditfleet/bin/weed; if neither
// exists the test fails with the command that installs it
// (InstallCommand), it is never skipped.
//
// Start one server per test package: declare a Shared in the package's
// tests, take the server with Shared.Server(t) in each test, and stop it
// in TestMain after m.Run. The process itself is run by package
// testserver.
package seaweedtest
