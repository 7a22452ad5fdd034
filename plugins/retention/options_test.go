package retention

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func intp(n int) *int { return &n }

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		want     options
		warnings []string // substrings, one per expected warning, in order
	}{
		{name: "empty", raw: "", want: options{MaxFiles: DefaultMaxFiles}},
		{name: "empty object", raw: "{}", want: options{MaxFiles: DefaultMaxFiles}},
		{
			name: "register entry as it is",
			raw:  `{"stores":[{"id":"complaints","hosts":["web-*"],"path":"/srv/complaints","personal_data":true,"retention_days":730,"grace_days":10,"soft_delete_marker":".deleted","purge_days":7}],"max_files":500}`,
			want: options{MaxFiles: 500, Stores: []storeSpec{{
				ID: "complaints", Hosts: []string{"web-*"}, Path: "/srv/complaints", PersonalData: boolp(true),
				RetentionDays: intp(730), GraceDays: intp(10), SoftDeleteMarker: ".deleted", PurgeDays: intp(7),
			}}},
		},
		{
			name:     "no retention period",
			raw:      `{"stores":[{"id":"a","path":"/a"}]}`,
			want:     options{MaxFiles: DefaultMaxFiles, Stores: []storeSpec{{ID: "a", Path: "/a"}}},
			warnings: []string{`store "a" has no retention_days`},
		},
		{name: "not an object", raw: `[1]`, want: options{MaxFiles: DefaultMaxFiles}, warnings: []string{"no stores checked"}},
		{name: "misspelt top-level key", raw: `{"store":[]}`, want: options{MaxFiles: DefaultMaxFiles}, warnings: []string{`unknown field "store"`}},
		{
			name:     "max_files out of range",
			raw:      `{"max_files":0}`,
			want:     options{MaxFiles: DefaultMaxFiles},
			warnings: []string{"max_files 0 is outside"},
		},
		{
			name: "bad stores are left out, good ones kept",
			raw: `{"stores":[
				{"id":"","path":"/x","retention_days":1},
				{"id":"rel","path":"srv/x","retention_days":1},
				{"id":"dirty","path":"/srv/../x","retention_days":1},
				{"id":"zero","path":"/x","retention_days":0},
				{"id":"grace","path":"/x","retention_days":1,"grace_days":-1},
				{"id":"purge","path":"/x","retention_days":1,"purge_days":4000},
				{"id":"mark","path":"/x","retention_days":1,"soft_delete_marker":"a/b"},
				{"id":"typo","path":"/x","retention":1},
				{"id":"type","path":"/x","retention_days":"1"},
				{"id":"ok","path":"/ok","retention_days":1},
				{"id":"ok","path":"/other","retention_days":1}
			]}`,
			want: options{MaxFiles: DefaultMaxFiles, Stores: []storeSpec{{ID: "ok", Path: "/ok", RetentionDays: intp(1)}}},
			warnings: []string{
				"stores[0]: id is missing",
				`stores[1]: store "rel": path "srv/x" is not a clean absolute path`,
				`stores[2]: store "dirty": path "/srv/../x" is not a clean absolute path`,
				"retention_days 0 is outside 1..36525",
				"grace_days -1 is outside 0..3650",
				"purge_days 4000 is outside 0..3650",
				`soft_delete_marker "a/b" must be a file-name suffix`,
				`stores[7]: decode: json: unknown field "retention"`,
				"stores[8]: decode:",
				`stores[10]: duplicate store id "ok" (first at stores[9])`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns := parseOptions(json.RawMessage(tt.raw))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseOptions(%s) = %+v, want %+v", tt.raw, got, tt.want)
			}
			if len(warns) != len(tt.warnings) {
				t.Fatalf("parseOptions(%s) warnings = %q, want %d matching %q", tt.raw, warns, len(tt.warnings), tt.warnings)
			}
			for i, sub := range tt.warnings {
				if !strings.Contains(warns[i], sub) {
					t.Errorf("parseOptions(%s) warning %d = %q, want it to contain %q", tt.raw, i, warns[i], sub)
				}
			}
		})
	}
}

func boolp(b bool) *bool { return &b }

func TestStoreSpecWindows(t *testing.T) {
	tests := []struct {
		spec         storeSpec
		grace, purge int
	}{
		{storeSpec{}, DefaultGraceDays, DefaultPurgeDays},
		{storeSpec{GraceDays: intp(0), PurgeDays: intp(0)}, 0, 0},
		{storeSpec{GraceDays: intp(5), PurgeDays: intp(90)}, 5, 90},
	}
	for _, tt := range tests {
		if g, p := tt.spec.graceDays(), tt.spec.purgeDays(); g != tt.grace || p != tt.purge {
			t.Errorf("%+v: graceDays, purgeDays = %d, %d, want %d, %d", tt.spec, g, p, tt.grace, tt.purge)
		}
	}
}
