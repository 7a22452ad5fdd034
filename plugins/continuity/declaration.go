package continuity

import "github.com/auditfleet/auditfleet/plugins/internal/hosttags"

// DefaultTagsFile is the host's declaration file read when the tags_file
// option is not set.
const DefaultTagsFile = hosttags.DefaultFile

// Declaration is what a host declares about itself in its tags file or
// its collector options.
type Declaration = hosttags.Declaration

// RoleContinuitySystem is the value of the role tag that makes a host a
// continuity system, as the ICO-BCP-02 policy reads it.
const RoleContinuitySystem = "continuity-system"
