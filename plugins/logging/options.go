package logging

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// DefaultMaxLines is how many of the newest lines of a declared
// application log are examined when max_lines is not set.
const DefaultMaxLines = 100_000

// maxMaxLines is the largest max_lines accepted.
const maxMaxLines = 10_000_000

// options are the collector's options: the application audit logs
// declared for this host.
type options struct {
	AppLogs []appLogSpec
}

// appLogSpec is one declared application audit log.
type appLogSpec struct {
	ID     string     `json:"id"`
	Path   string     `json:"path"`
	Format string     `json:"format"`
	Fields fieldNames `json:"fields"`
	// Operations maps the application's operation names (matched without
	// regard to case) to s.62 operations; it is added to, and overrides,
	// defaultOperationNames.
	Operations map[string]string `json:"operations"`
	MaxLines   int               `json:"max_lines"`
}

// fieldNames name the entry fields holding each piece of information;
// a name may be a dotted path into nested objects ("actor.id").
type fieldNames struct {
	Operation     string `json:"operation"`
	Time          string `json:"time"`
	User          string `json:"user"`
	Justification string `json:"justification"`
	Recipient     string `json:"recipient"`
}

// defaultFields are the field names used when "fields" leaves one out.
var defaultFields = fieldNames{Operation: "operation", Time: "time", User: "user", Justification: "justification", Recipient: "recipient"}

// defaultOperationNames maps common operation names onto the six s.62
// operations; each of the six also maps to itself.
var defaultOperationNames = map[string]string{
	"create": "collection", "insert": "collection", "collect": "collection",
	"update": "alteration", "modify": "alteration", "edit": "alteration", "alter": "alteration",
	"read": "consultation", "view": "consultation", "access": "consultation", "consult": "consultation", "search": "consultation",
	"disclose": "disclosure", "transfer": "disclosure", "share": "disclosure", "export": "disclosure",
	"combine": "combination", "merge": "combination", "link": "combination",
	"delete": "erasure", "erase": "erasure", "purge": "erasure",
}

// rawOptions is the top level of the options object; each log is
// decoded on its own so that one bad declaration does not hide others.
type rawOptions struct {
	AppLogs []json.RawMessage `json:"app_logs"`
}

// parseOptions decodes and checks the options object. Problems are
// returned as warnings: an invalid declaration is left out.
func parseOptions(raw json.RawMessage) (options, []string) {
	var o options
	if len(bytes.TrimSpace(raw)) == 0 {
		return o, nil
	}
	var r rawOptions
	if _, err := sdk.DecodeOptions(raw, &r); err != nil {
		return o, []string{fmt.Sprintf("options: %v; no application logs checked", err)}
	}
	var warns sdk.Warnings
	seen := map[string]int{}
	for i, b := range r.AppLogs {
		var s appLogSpec
		if _, err := sdk.DecodeOptions(b, &s); err != nil {
			warns.Add("options: app_logs[%d]: %v; log not checked", i, err)
			continue
		}
		if err := s.normalise(); err != nil {
			warns.Add("options: app_logs[%d]: %v; log not checked", i, err)
			continue
		}
		if first, dup := seen[s.ID]; dup {
			warns.Add("options: app_logs[%d]: duplicate id %q (first at app_logs[%d]); log not checked", i, s.ID, first)
			continue
		}
		seen[s.ID] = i
		o.AppLogs = append(o.AppLogs, s)
	}
	return o, warns
}

// normalise checks a declaration and fills its defaults.
func (s *appLogSpec) normalise() error {
	if s.ID == "" {
		return fmt.Errorf("id is missing")
	}
	if s.Path == "" || !path.IsAbs(s.Path) || path.Clean(s.Path) != s.Path {
		return fmt.Errorf("log %q: path %q is not a clean absolute path", s.ID, s.Path)
	}
	s.Format = strings.ToLower(s.Format)
	if s.Format == "" {
		s.Format = "jsonl"
	}
	if !slices.Contains([]string{"jsonl", "csv", "syslog"}, s.Format) {
		return fmt.Errorf("log %q: format %q is not jsonl, csv or syslog", s.ID, s.Format)
	}
	switch {
	case s.MaxLines == 0:
		s.MaxLines = DefaultMaxLines
	case s.MaxLines < 0 || s.MaxLines > maxMaxLines:
		return fmt.Errorf("log %q: max_lines %d is outside 1..%d", s.ID, s.MaxLines, maxMaxLines)
	}
	f := &s.Fields
	for _, p := range []struct {
		v *string
		d string
	}{{&f.Operation, defaultFields.Operation}, {&f.Time, defaultFields.Time}, {&f.User, defaultFields.User}, {&f.Justification, defaultFields.Justification}, {&f.Recipient, defaultFields.Recipient}} {
		if *p.v == "" {
			*p.v = p.d
		}
	}
	ops := make(map[string]string, len(defaultOperationNames)+len(Operations)+len(s.Operations))
	for k, v := range defaultOperationNames {
		ops[k] = v
	}
	for _, op := range Operations {
		ops[op] = op
	}
	for k, v := range s.Operations {
		v = strings.ToLower(v)
		if !slices.Contains(Operations, v) {
			return fmt.Errorf("log %q: operations maps %q to %q, which is not one of %s", s.ID, k, v, strings.Join(Operations, ", "))
		}
		ops[strings.ToLower(k)] = v
	}
	s.Operations = ops
	return nil
}
