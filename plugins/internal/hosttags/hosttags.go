package hosttags

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// DefaultFile is the host's tags file, read when a collector's tags_file
// option is not set.
const DefaultFile = "/etc/auditfleet/tags"

// MaxFileSize bounds the size of a tags file read.
const MaxFileSize = 64 << 10

// Keys of the declaration file with a meaning of their own; every other
// key is a tag.
const (
	// KeyPlan lists continuity plan references, comma-separated; it may
	// be repeated.
	KeyPlan = "plan"
	// KeyContinuitySystem is "true" or "false".
	KeyContinuitySystem = "continuity_system"
)

// tagKeyRE is a valid tag key, the same rule as the organisation's
// host_tags register (orgdata).
var tagKeyRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$`)

// planRefRE is a valid plan reference, the same rule as a plan ID in the
// organisation's plan register (orgdata).
var planRefRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)

// maxTagValue bounds the length of a tag value.
const maxTagValue = 256

// Declaration is what a host declares about itself in its tags file or
// its collector options.
type Declaration struct {
	// Tags are the host's tags by key.
	Tags map[string]string
	// ContinuitySystem is the explicit continuity_system setting; nil when
	// the declaration does not say.
	ContinuitySystem *bool
	// PlanRefs are continuity plan references, in the order given,
	// without duplicates.
	PlanRefs []string
}

// Parse parses the bytes of a tags file. The format is one
// "key = value" per line; blank lines and lines starting with '#' are
// ignored, and spaces around key and value are trimmed. The key "plan"
// gives continuity plan references (comma-separated, repeatable), the key
// "continuity_system" is true or false, and every other key is a tag (a
// later line overrides an earlier one, with a warning). Lines that cannot
// be understood are skipped with a warning naming name and the line.
func Parse(name string, b []byte) (Declaration, []string) {
	d := Declaration{Tags: map[string]string{}}
	var warns sdk.Warnings
	warn := func(line int, format string, args ...any) {
		warns.Add("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), MaxFileSize)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			warn(n, "want key = value; line skipped")
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case KeyPlan:
			for r := range strings.SplitSeq(value, ",") {
				if err := d.AddPlanRef(strings.TrimSpace(r)); err != nil {
					warn(n, "%v; skipped", err)
				}
			}
		case KeyContinuitySystem:
			v, err := parseBool(value)
			if err != nil {
				warn(n, "continuity_system: %v; line skipped", err)
				continue
			}
			if d.ContinuitySystem != nil && *d.ContinuitySystem != v {
				warn(n, "continuity_system given again with a different value; the later one is used")
			}
			d.ContinuitySystem = &v
		default:
			if err := CheckTag(key, value); err != nil {
				warn(n, "%v; line skipped", err)
				continue
			}
			if old, dup := d.Tags[key]; dup && old != value {
				warn(n, "tag %q given again; the later value is used", key)
			}
			d.Tags[key] = value
		}
	}
	if err := sc.Err(); err != nil {
		warns.Add("%s: stopped reading after line %d: %v", name, n, err)
	}
	return d, warns
}

// AddPlanRef appends ref unless it is a duplicate; it reports an invalid
// reference.
func (d *Declaration) AddPlanRef(ref string) error {
	if !planRefRE.MatchString(ref) {
		return fmt.Errorf("plan reference %q is not a valid plan ID (letters, digits, '.', '_', ':', '-')", ref)
	}
	for _, r := range d.PlanRefs {
		if r == ref {
			return nil
		}
	}
	d.PlanRefs = append(d.PlanRefs, ref)
	return nil
}

// CheckTag validates one tag.
func CheckTag(key, value string) error {
	if !tagKeyRE.MatchString(key) {
		return fmt.Errorf("tag key %q is not valid (letters, digits, '.', '_', '/', '-')", key)
	}
	if value == "" {
		return fmt.Errorf("tag %q has an empty value", key)
	}
	if len(value) > maxTagValue {
		return fmt.Errorf("tag %q: value longer than %d bytes", key, maxTagValue)
	}
	if strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("tag %q: value has control characters", key)
	}
	return nil
}

// parseBool accepts true/false, yes/no and 1/0, in any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "yes", "1":
		return true, nil
	case "false", "no", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", s)
}
