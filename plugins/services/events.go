package services

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Catalog MESSAGE_IDs of the service manager (systemd's sd-messages.h).
const (
	msgUnitStarted       = "39f53479d3a045ac8e11786248231fbf" // job done: "Started"/"Finished"
	msgUnitFailed        = "be02cf6855d2428ba40df7e9d022f03d" // job failed: "Failed to start"
	msgUnitSuccess       = "7ad2d189f7e94e70a38c781354912448" // "Deactivated successfully."
	msgUnitFailureResult = "d9b373ed55a64feb8242e02dbe79a49c" // "Failed with result '...'."
)

// kind is what a log line says.
type kind int

const (
	unitFailed kind = iota + 1 // a unit entered the failed state
	unitOK                     // a unit started or finished successfully
	bootMark                   // the service manager started: a new boot (text logs)
	cronRun                    // cron started a job
	cronFailed                 // a cron job exited non-zero
)

// event is one log line that matters, from the journal or a text log.
type event struct {
	at   time.Time
	seq  int    // reading order, to keep lines of the same time in order
	boot string // journal boot ID; "" in text logs
	kind kind
	// unitFailed, unitOK
	unit, result string
	// cronRun, cronFailed: pid is the job's process (the grandchild a
	// failure names)
	user, command string
	pid           int
	log           string // host path of the log it came from
}

// unitTypes are the unit name suffixes the schema knows.
var unitTypes = map[string]bool{
	"service": true, "timer": true, "mount": true, "automount": true, "socket": true, "path": true,
	"swap": true, "target": true, "device": true, "scope": true, "slice": true,
}

// unitType returns the type of a unit name, "" when it is not one.
func unitType(name string) string {
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 || strings.ContainsAny(name, "/ \t") || len(name) > 256 {
		return ""
	}
	if t := name[dot+1:]; unitTypes[t] {
		return t
	}
	return ""
}

// fields are the journal fields one line is classified by; text logs
// fill only ident, pid and message.
type fields struct {
	ident, message string
	pid            int
	messageID      string
	unit           string
	unitResult     string
	jobResult      string
}

var (
	failedWithResult = regexp.MustCompile(`^(\S+): Failed with result '([^']+)'\.?$`)
	startedUnit      = regexp.MustCompile(`^(?:Started|Finished) (\S+) - `)
	cronCmd          = regexp.MustCompile(`^\(([^)\s]+)\) CMD \((.*)\)$`)
	cronGrandchild   = regexp.MustCompile(`^\(CRON\) error \(grandchild #(\d+) failed with exit status (\d+)\)$`)
)

// classify says what a line means for units and cron jobs; ok is false
// for lines that do not matter.
func classify(f fields) (event, bool) {
	switch {
	case f.pid == 1 && (f.ident == "systemd" || f.ident == "" || f.messageID != ""):
		return classifyManager(f)
	case f.ident == "CRON" || f.ident == "cron" || f.ident == "CROND" || f.ident == "crond":
		if m := cronCmd.FindStringSubmatch(f.message); m != nil && m[1] != "CRON" {
			return event{kind: cronRun, user: m[1], command: m[2], pid: f.pid}, true
		}
		if m := cronGrandchild.FindStringSubmatch(f.message); m != nil {
			pid, err := strconv.Atoi(m[1])
			if err != nil {
				return event{}, false
			}
			return event{kind: cronFailed, pid: pid, result: "exit status " + m[2]}, true
		}
	}
	return event{}, false
}

// classifyManager reads a line of the service manager (PID 1), by its
// MESSAGE_ID when it has one, else by its text.
func classifyManager(f fields) (event, bool) {
	switch f.messageID {
	case msgUnitFailureResult:
		if unitType(f.unit) != "" {
			return event{kind: unitFailed, unit: f.unit, result: f.unitResult}, true
		}
		return event{}, false
	case msgUnitFailed:
		// "Failed to start": the unit's result came just before; a
		// failed dependency leaves the unit inactive, not failed.
		if unitType(f.unit) != "" && f.jobResult == "failed" {
			return event{kind: unitFailed, unit: f.unit}, true
		}
		return event{}, false
	case msgUnitSuccess:
		if unitType(f.unit) != "" {
			return event{kind: unitOK, unit: f.unit}, true
		}
		return event{}, false
	case msgUnitStarted:
		if unitType(f.unit) != "" && (f.jobResult == "" || f.jobResult == "done") {
			return event{kind: unitOK, unit: f.unit}, true
		}
		return event{}, false
	case "":
	default:
		return event{}, false
	}
	msg := f.message
	if m := failedWithResult.FindStringSubmatch(msg); m != nil && unitType(m[1]) != "" {
		return event{kind: unitFailed, unit: m[1], result: m[2]}, true
	}
	if u, ok := strings.CutSuffix(msg, ": Deactivated successfully."); ok && unitType(u) != "" {
		return event{kind: unitOK, unit: u}, true
	}
	if u, ok := strings.CutSuffix(msg, ": Succeeded."); ok && unitType(u) != "" {
		return event{kind: unitOK, unit: u}, true
	}
	if m := startedUnit.FindStringSubmatch(msg); m != nil && unitType(m[1]) != "" {
		return event{kind: unitOK, unit: m[1]}, true
	}
	if strings.HasPrefix(msg, "systemd ") && strings.Contains(msg, " running in system mode") {
		return event{kind: bootMark}, true
	}
	return event{}, false
}
