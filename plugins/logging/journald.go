package logging

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// journaldConf is what journald.conf and its drop-ins set.
type journaldConf struct {
	Storage         string
	MaxRetentionSec int64
	SystemMaxUse    int64
}

// parseJournaldConf applies the [Journal] settings of one journald.conf
// file (the main file or a drop-in) on top of c; invalid values are
// returned as problems and leave the setting unchanged, as journald
// ignores them.
func parseJournaldConf(c journaldConf, b []byte) (journaldConf, []string) {
	var problems []string
	for _, l := range parseINI(b, "Journal") {
		switch l.Key {
		case "Storage":
			v := strings.ToLower(l.Value)
			switch v {
			case "persistent", "auto", "volatile", "none":
				c.Storage = v
			case "":
				c.Storage = "auto"
			default:
				problems = append(problems, fmt.Sprintf("line %d: Storage=%q is not persistent, auto, volatile or none", l.Line, l.Value))
			}
		case "MaxRetentionSec":
			if l.Value == "" {
				c.MaxRetentionSec = 0
				continue
			}
			v, err := parseTimeSpan(l.Value)
			if err != nil {
				problems = append(problems, fmt.Sprintf("line %d: MaxRetentionSec: %v", l.Line, err))
				continue
			}
			c.MaxRetentionSec = v
		case "SystemMaxUse":
			if l.Value == "" {
				c.SystemMaxUse = 0
				continue
			}
			v, err := parseBytes(l.Value)
			if err != nil {
				problems = append(problems, fmt.Sprintf("line %d: SystemMaxUse: %v", l.Line, err))
				continue
			}
			c.SystemMaxUse = v
		}
	}
	return c, problems
}

// journalFileHead returns the time of the first entry of a journal file
// from its name, without reading it. journald names an archived file
// "<prefix>@<seqnum id>-<head seqnum>-<head realtime>.journal" and a
// file it found dirty "<prefix>@<realtime>-<random>.journal~", with the
// times in hexadecimal microseconds. The active file ("system.journal")
// carries no time: ok is false.
func journalFileHead(name string) (time.Time, bool) {
	var dirty bool
	switch {
	case strings.HasSuffix(name, ".journal"):
		name = strings.TrimSuffix(name, ".journal")
	case strings.HasSuffix(name, ".journal~"):
		name = strings.TrimSuffix(name, ".journal~")
		dirty = true
	default:
		return time.Time{}, false
	}
	at := strings.LastIndexByte(name, '@')
	if at < 0 {
		return time.Time{}, false
	}
	parts := strings.Split(name[at+1:], "-")
	var hex string
	switch {
	case !dirty && len(parts) == 3:
		hex = parts[2]
	case dirty && len(parts) == 2:
		hex = parts[0]
	default:
		return time.Time{}, false
	}
	if len(hex) != 16 {
		return time.Time{}, false
	}
	us, err := strconv.ParseUint(hex, 16, 64)
	if err != nil || us == 0 || us > 1<<62 {
		return time.Time{}, false
	}
	return time.UnixMicro(int64(us)).UTC(), true
}
