package continuity

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"

	"github.com/auditfleet/auditfleet/plugins/internal/hosttags"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// options are the collector's options.
type options struct {
	// TagsFile is the declaration file to read; "" reads none.
	TagsFile string
	// Declared is the declaration given in the options themselves.
	Declared Declaration
}

// rawOptions is the options object as written in the agent configuration.
type rawOptions struct {
	Tags             map[string]string `json:"tags"`
	ContinuitySystem *bool             `json:"continuity_system"`
	PlanRefs         []string          `json:"plan_refs"`
	TagsFile         *string           `json:"tags_file"`
}

// parseOptions decodes the options object. Problems are warnings: an
// invalid tag or plan reference is left out, an invalid tags_file falls
// back to DefaultTagsFile, and options that do not decode at all are
// ignored as a whole.
func parseOptions(raw json.RawMessage) (options, []string) {
	o := options{TagsFile: DefaultTagsFile, Declared: Declaration{Tags: map[string]string{}}}
	var r rawOptions
	if set, err := sdk.DecodeOptions(raw, &r); err != nil {
		return o, []string{fmt.Sprintf("options: %v; options ignored", err)}
	} else if !set {
		return o, nil
	}
	var warns sdk.Warnings
	if r.TagsFile != nil {
		switch f := *r.TagsFile; {
		case f == "":
			o.TagsFile = ""
		case !path.IsAbs(f) || path.Clean(f) != f:
			warns.Add("options: tags_file %q is not a clean absolute path; using %s", f, DefaultTagsFile)
		default:
			o.TagsFile = f
		}
	}
	keys := make([]string, 0, len(r.Tags))
	for k := range r.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := hosttags.CheckTag(k, r.Tags[k]); err != nil {
			warns.Add("options: tags: %v; tag ignored", err)
			continue
		}
		o.Declared.Tags[k] = r.Tags[k]
	}
	for i, ref := range r.PlanRefs {
		if err := o.Declared.AddPlanRef(ref); err != nil {
			warns.Add("options: plan_refs[%d]: %v; ignored", i, err)
		}
	}
	o.Declared.ContinuitySystem = r.ContinuitySystem
	return o, warns
}
