// Package lifecycle turns the endoflife.date release data into the
// normalised lifecycle document the policies read as data.lifecycle: for
// each operating system, how to recognise it from os-release, the end of
// security support of each release, and whether extended support after
// that is free or needs a paid entitlement.
//
// The endoflife.date data is committed in source/os-lifecycles.json
// (source/README.md names its origin, revision and licence, and how to
// refresh it). The product table in products.go records, with a
// justification for each entry, the decisions endoflife.date does not
// make for us. Regenerate policies/lifecycle/data.json with
//
//	go generate ./internal/lifecycle/...
package lifecycle
