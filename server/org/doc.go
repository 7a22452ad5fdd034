// Package org keeps the organisation data on the server: uploads are
// validated, stored as a new write-once version in object storage with a
// pointer to the current one, and turned into the policy engine and
// waivers that ingest uses. Every replica reads the same pointers, so an
// upload to one is seen by all within the cache time.
package org
