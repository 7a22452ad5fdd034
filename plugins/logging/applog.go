package logging

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// appLogStats is what scanning the lines of a JSON-lines audit log found.
type appLogStats struct {
	Entries    int
	Bad        int // lines that are not a JSON object
	Unmapped   int // entries whose operation is none of the mapped names
	BadTime    int // entries whose time field is set but not a time
	From, To   *time.Time
	Operations map[string]Operation
}

// scanJSONL examines the JSON-lines log b (already bounded by the
// caller) against the declaration s. Blank lines are skipped; lines that
// are not JSON objects are counted as bad.
func scanJSONL(b []byte, s appLogSpec) appLogStats {
	st := appLogStats{Operations: map[string]Operation{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal(line, &e); err != nil || e == nil {
			st.Bad++
			continue
		}
		st.Entries++
		t, hasTime := entryTime(lookup(e, s.Fields.Time))
		if !hasTime && present(lookup(e, s.Fields.Time)) {
			st.BadTime++
		}
		if hasTime {
			if st.From == nil || t.Before(*st.From) {
				st.From = &t
			}
			if st.To == nil || t.After(*st.To) {
				tt := t
				st.To = &tt
			}
		}
		name, _ := lookup(e, s.Fields.Operation).(string)
		op, ok := s.Operations[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			st.Unmapped++
			continue
		}
		o := st.Operations[op]
		o.Entries++
		if !hasTime {
			o.MissingTime++
		}
		if !present(lookup(e, s.Fields.User)) {
			o.MissingUser++
		}
		if !present(lookup(e, s.Fields.Justification)) {
			o.MissingJustification++
		}
		if op == "disclosure" && !present(lookup(e, s.Fields.Recipient)) {
			o.MissingRecipient++
		}
		st.Operations[op] = o
	}
	if sc.Err() != nil {
		st.Bad++ // a line longer than the scanner's buffer ends the scan
	}
	return st
}

// lookup returns the value at the dotted path name in e; nil when absent.
func lookup(e map[string]any, name string) any {
	if v, ok := e[name]; ok {
		return v
	}
	var cur any = e
	for _, part := range strings.Split(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[part]; !ok {
			return nil
		}
	}
	return cur
}

// present reports whether a field value says something: not null, not
// an empty or blank string, not an empty object or array.
func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(x) != ""
	case map[string]any:
		return len(x) > 0
	case []any:
		return len(x) > 0
	}
	return true
}

// entryTime parses an entry's time: an RFC 3339 string (or one with a
// space instead of "T"), or a number of seconds (or, above 1e11,
// milliseconds) since the epoch.
func entryTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		x = strings.TrimSpace(x)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
			if t, err := time.Parse(layout, x); err == nil {
				return t.UTC(), true
			}
		}
	case float64:
		if x <= 0 || math.IsInf(x, 0) || math.IsNaN(x) || x > 1e15 {
			return time.Time{}, false
		}
		if x > 1e11 {
			return time.UnixMilli(int64(x)).UTC(), true
		}
		sec, frac := math.Modf(x)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	return time.Time{}, false
}

// tailLines returns the last n lines of b; when b was cut from the end
// of a longer file (cut), its first, partial line is dropped.
func tailLines(b []byte, n int, cut bool) []byte {
	if cut {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		} else {
			return nil
		}
	}
	end := len(b)
	if end > 0 && b[end-1] == '\n' {
		end--
	}
	count := 0
	for i := end - 1; i >= 0; i-- {
		if b[i] == '\n' {
			count++
			if count == n {
				return b[i+1:]
			}
		}
	}
	return b
}

// describe summarises the lines of a log that could not be counted.
func (st appLogStats) describe(id string) []string {
	var w []string
	if st.Bad > 0 {
		w = append(w, fmt.Sprintf("app log %q: %d lines are not JSON objects and were skipped", id, st.Bad))
	}
	if st.Unmapped > 0 {
		w = append(w, fmt.Sprintf("app log %q: %d entries have an operation not mapped to an s.62 operation (see the operations option)", id, st.Unmapped))
	}
	if st.BadTime > 0 {
		w = append(w, fmt.Sprintf("app log %q: %d entries have a time that could not be parsed, counted as missing the time", id, st.BadTime))
	}
	return w
}
