package policies

import (
	"embed"
	"io/fs"
)

//go:embed lib/*.rego controls/*/*.rego lifecycle/data.json
var files embed.FS

// FS is the policy tree rooted at policies/: Rego modules (tests
// included), and data files placed under data by directory.
var FS fs.FS = files
