package continuity

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/internal/hosttags"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// mustFacts runs the collector on the host root dir and checks its output
// against the schema.
func mustFacts(t *testing.T, dir, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, New(), dir, options)
}

func TestCollectGolden(t *testing.T) {
	tests := []struct {
		name, host, options string
	}{
		{"full", "full", `{}`},
		{"messy", "messy", `{}`},
		{"no-file", "empty", `{}`},
		{"options-only", "empty", `{"tags":{"role":"continuity-system","service":"case-management"},"plan_refs":["BCP-IT-01"]}`},
		{"options-override", "full", `{"tags":{"role":"web","owner":"IT"},"plan_refs":["BCP-WEB-03","BCP-IT-01"]}`},
		{"tags-file-option", "messy", `{"tags_file":"/etc/auditfleet/tags","continuity_system":true}`},
		{"tags-file-off", "full", `{"tags_file":""}`},
		{"file-is-directory", "dir", `{}`},
		{"bad-options", "full", `{"tags":{"bad key":"x","env":""},"plan_refs":["ok-1","no spaces"],"tags_file":"relative/tags"}`},
		{"undecodable-options", "full", `{"tagz":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, filepath.Join("testdata", "hosts", tt.host), tt.options)
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestCollectFull states the full host's expectations outright, so that
// a wrong golden file cannot hide a wrong fact.
func TestCollectFull(t *testing.T) {
	f, warns := mustFacts(t, filepath.Join("testdata", "hosts", "full"), `{}`)
	if len(warns) != 0 {
		t.Errorf("warnings = %q, want none", warns)
	}
	want := Facts{
		Tags:             map[string]string{"role": "continuity-system", "service": "case-management", "env": "production"},
		ContinuitySystem: true,
		PlanRefs:         []string{"BCP-IT-01", "BCP-CS-02"},
		Source:           "/etc/auditfleet/tags",
	}
	if show(f) != show(want) {
		t.Errorf("Collect(full) = %s, want %s", show(f), show(want))
	}
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func boolp(b bool) *bool { return &b }

func TestMerge(t *testing.T) {
	tests := []struct {
		name      string
		file, opt Declaration
		want      Facts
		warned    bool
	}{
		{"nothing", Declaration{}, Declaration{}, Facts{Tags: map[string]string{}, PlanRefs: []string{}}, false},
		{
			"options win",
			Declaration{Tags: map[string]string{"role": "continuity-system", "env": "test"}, PlanRefs: []string{"A"}},
			Declaration{Tags: map[string]string{"role": "web"}, PlanRefs: []string{"B", "A"}},
			Facts{Tags: map[string]string{"role": "web", "env": "test"}, PlanRefs: []string{"A", "B"}},
			false,
		},
		{"role makes continuity system", Declaration{Tags: map[string]string{"role": "continuity-system"}}, Declaration{}, Facts{Tags: map[string]string{"role": "continuity-system"}, ContinuitySystem: true, PlanRefs: []string{}}, false},
		{"explicit true", Declaration{}, Declaration{ContinuitySystem: boolp(true)}, Facts{Tags: map[string]string{}, ContinuitySystem: true, PlanRefs: []string{}}, false},
		{"explicit false", Declaration{ContinuitySystem: boolp(false)}, Declaration{}, Facts{Tags: map[string]string{}, PlanRefs: []string{}}, false},
		{"contradiction", Declaration{ContinuitySystem: boolp(false)}, Declaration{ContinuitySystem: boolp(true)}, Facts{Tags: map[string]string{}, ContinuitySystem: true, PlanRefs: []string{}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns := merge(tt.file, tt.opt)
			if show(got) != show(tt.want) {
				t.Errorf("merge(%s, %s) = %s, want %s", show(tt.file), show(tt.opt), show(got), show(tt.want))
			}
			if (len(warns) > 0) != tt.warned {
				t.Errorf("merge(%s, %s) warnings = %q, want warned %v", show(tt.file), show(tt.opt), warns, tt.warned)
			}
		})
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		in       string
		tagsFile string
		refs     []string
		nwarn    int
	}{
		{``, DefaultTagsFile, nil, 0},
		{`{}`, DefaultTagsFile, nil, 0},
		{`{"tags_file":"/etc/other"}`, "/etc/other", nil, 0},
		{`{"tags_file":""}`, "", nil, 0},
		{`{"tags_file":"/etc/../x"}`, DefaultTagsFile, nil, 1},
		{`{"plan_refs":["A","A","b c"]}`, DefaultTagsFile, []string{"A"}, 1},
		{`{"tags":{"a":"1","b":""}}`, DefaultTagsFile, nil, 1},
		{`[]`, DefaultTagsFile, nil, 1},
		{`{"unknown":1}`, DefaultTagsFile, nil, 1},
	}
	for _, tt := range tests {
		o, warns := parseOptions(json.RawMessage(tt.in))
		if o.TagsFile != tt.tagsFile || !slices.Equal(o.Declared.PlanRefs, tt.refs) || len(warns) != tt.nwarn {
			t.Errorf("parseOptions(%s) = %+v, warnings %q; want tags_file %q, plan_refs %q, %d warnings", tt.in, o, warns, tt.tagsFile, tt.refs, tt.nwarn)
		}
	}
}

func TestCollectErrors(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
		t.Error("Collect without a host root: no error")
	}
	collectortest.Cancelled(t, New(), filepath.Join("testdata", "hosts", "full"), `{}`)
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "continuity" || i.Namespace != Namespace || i.SchemaVersion != SchemaVersion || !facts.ValidNamespace(i.Namespace) {
		t.Errorf("Info() = %+v", i)
	}
}

// TestCollectLargeTagsFile builds a tags file over the read bound: it is
// not read, with a warning, and the options still apply.
func TestCollectLargeTagsFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "etc", "auditfleet"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("# padding\n", hosttags.MaxFileSize/10+1) + "role = continuity-system\n"
	if err := os.WriteFile(filepath.Join(dir, "etc", "auditfleet", "tags"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	f, warns := mustFacts(t, dir, `{"tags":{"env":"test"}}`)
	if f.ContinuitySystem || f.Source != "" || f.Tags["env"] != "test" {
		t.Errorf("Collect with a large tags file = %s, want only the options' tags and no source", show(f))
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "too large") {
		t.Errorf("warnings = %q, want one about the file being too large", warns)
	}
}
