// Package testserver runs the server processes that tests start (MinIO in
// package miniotest, SeaweedFS in package seaweedtest): one process with
// its own temporary directory and log, stopped and removed by its owner,
// and killed by the kernel if the test binary dies first (Linux). It also
// holds what both S3 test servers share: making buckets and one server
// per test package. It is the one test harness here that imports os/exec.
package testserver
