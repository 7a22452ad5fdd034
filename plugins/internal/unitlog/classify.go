package unitlog

import (
	"regexp"
	"strings"
	"time"
)

// Catalog MESSAGE_IDs of the service manager (systemd's sd-messages.h).
const (
	// MsgUnitStarted is a start job done: "Started"/"Finished" (JOB_RESULT).
	MsgUnitStarted = "39f53479d3a045ac8e11786248231fbf"
	// MsgUnitFailed is a start job failed: "Failed to start" (JOB_RESULT).
	MsgUnitFailed = "be02cf6855d2428ba40df7e9d022f03d"
	// MsgUnitSuccess is a unit that ended well: "Deactivated successfully."
	MsgUnitSuccess = "7ad2d189f7e94e70a38c781354912448"
	// MsgUnitFailureResult is a unit that failed: "Failed with result '...'."
	// (UNIT_RESULT).
	MsgUnitFailureResult = "d9b373ed55a64feb8242e02dbe79a49c"
)

// Line is one log line: a journal entry or a line of a syslog-format
// text log. Text lines fill At, Ident, PID, Message and Log only.
type Line struct {
	// At is when it was logged, UTC.
	At time.Time
	// Boot is the journal's boot ID; "" in text logs.
	Boot string
	// Ident is SYSLOG_IDENTIFIER (else _COMM), or the text line's tag.
	Ident string
	// PID is the logging process (_PID, or the tag's [pid]); 0 when none.
	PID int
	// Message is the message text.
	Message string
	// MessageID, Unit, UnitResult and JobResult are the journal fields
	// MESSAGE_ID, UNIT, UNIT_RESULT and JOB_RESULT.
	MessageID, Unit, UnitResult, JobResult string
	// Log is the host path of the file it came from.
	Log string
}

// Kind is what a service manager line says of a unit.
type Kind int

// The kinds of Event.
const (
	// Failed: the unit entered the failed state ("Failed with result",
	// with its Result) or its start job failed ("Failed to start").
	Failed Kind = iota + 1
	// Deactivated: the unit stopped after ending well ("Deactivated
	// successfully.", "Succeeded." before systemd 248).
	Deactivated
	// Started: the unit's start job is done ("Started <unit> - ..."): a
	// long-running service is up; a Type=oneshot one has run to its
	// successful end (systemd before 246 said so).
	Started
	// Finished: a Type=oneshot unit's start job is done ("Finished
	// <unit> - ..."): it has run to its successful end.
	Finished
	// Boot: the service manager started ("systemd N running in system
	// mode"), a new boot; text logs only.
	Boot
)

// Event is one classified service manager line.
type Event struct {
	// At is when it was logged, UTC.
	At time.Time
	// Boot is the journal's boot ID; "" in text logs.
	Boot string
	// Kind is what the line says.
	Kind Kind
	// Unit is the unit it is about; "" for Boot.
	Unit string
	// Result is a failure's UNIT_RESULT (e.g. "exit-code"); "" when none
	// was logged.
	Result string
	// Log is the host path of the file it came from.
	Log string
}

// unitTypes are the unit name suffixes systemd knows.
var unitTypes = map[string]bool{
	"service": true, "timer": true, "mount": true, "automount": true, "socket": true, "path": true,
	"swap": true, "target": true, "device": true, "scope": true, "slice": true,
}

// UnitType returns the type of a unit name ("service", "timer", ...), ""
// when it is not one.
func UnitType(name string) string {
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 || strings.ContainsAny(name, "/ \t") || len(name) > 256 {
		return ""
	}
	if t := name[dot+1:]; unitTypes[t] {
		return t
	}
	return ""
}

var (
	failedWithResult = regexp.MustCompile(`^(\S+): Failed with result '([^']+)'\.?$`)
	startedUnit      = regexp.MustCompile(`^(Started|Finished) (\S+) - `)
)

// IsManager reports whether l comes from the service manager itself: PID
// 1, as systemd, untagged, or with a catalog MESSAGE_ID.
func IsManager(l Line) bool {
	return l.PID == 1 && (l.Ident == "systemd" || l.Ident == "" || l.MessageID != "")
}

// Classify says what a service manager line (see IsManager) means for a
// unit, by its MESSAGE_ID when it has one, else by its text; ok is false
// for other lines and lines that do not matter. The event's At, Boot and
// Log are the line's.
func Classify(l Line) (Event, bool) {
	if !IsManager(l) {
		return Event{}, false
	}
	ev, ok := classify(l)
	if !ok {
		return Event{}, false
	}
	ev.At, ev.Boot, ev.Log = l.At, l.Boot, l.Log
	return ev, true
}

// classify classifies a service manager line.
func classify(l Line) (Event, bool) {
	switch l.MessageID {
	case MsgUnitFailureResult:
		if UnitType(l.Unit) != "" {
			return Event{Kind: Failed, Unit: l.Unit, Result: l.UnitResult}, true
		}
		return Event{}, false
	case MsgUnitFailed:
		// "Failed to start": the unit's result came just before; a
		// failed dependency leaves the unit inactive, not failed.
		if UnitType(l.Unit) != "" && l.JobResult == "failed" {
			return Event{Kind: Failed, Unit: l.Unit}, true
		}
		return Event{}, false
	case MsgUnitSuccess:
		if UnitType(l.Unit) != "" {
			return Event{Kind: Deactivated, Unit: l.Unit}, true
		}
		return Event{}, false
	case MsgUnitStarted:
		if UnitType(l.Unit) != "" && (l.JobResult == "" || l.JobResult == "done") {
			k := Started
			if strings.HasPrefix(l.Message, "Finished ") {
				k = Finished
			}
			return Event{Kind: k, Unit: l.Unit}, true
		}
		return Event{}, false
	case "":
	default:
		return Event{}, false
	}
	msg := l.Message
	if m := failedWithResult.FindStringSubmatch(msg); m != nil && UnitType(m[1]) != "" {
		return Event{Kind: Failed, Unit: m[1], Result: m[2]}, true
	}
	if u, ok := strings.CutSuffix(msg, ": Deactivated successfully."); ok && UnitType(u) != "" {
		return Event{Kind: Deactivated, Unit: u}, true
	}
	if u, ok := strings.CutSuffix(msg, ": Succeeded."); ok && UnitType(u) != "" {
		return Event{Kind: Deactivated, Unit: u}, true
	}
	if m := startedUnit.FindStringSubmatch(msg); m != nil && UnitType(m[2]) != "" {
		k := Started
		if m[1] == "Finished" {
			k = Finished
		}
		return Event{Kind: k, Unit: m[2]}, true
	}
	if strings.HasPrefix(msg, "systemd ") && strings.Contains(msg, " running in system mode") {
		return Event{Kind: Boot}, true
	}
	return Event{}, false
}
