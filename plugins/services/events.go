package services

import (
	"regexp"
	"strconv"
	"time"

	"github.com/auditfleet/auditfleet/plugins/internal/unitlog"
)

// Catalog MESSAGE_IDs of the service manager (systemd's sd-messages.h).
const (
	msgUnitStarted       = unitlog.MsgUnitStarted       // job done: "Started"/"Finished"
	msgUnitFailed        = unitlog.MsgUnitFailed        // job failed: "Failed to start"
	msgUnitSuccess       = unitlog.MsgUnitSuccess       // "Deactivated successfully."
	msgUnitFailureResult = unitlog.MsgUnitFailureResult // "Failed with result '...'."
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

// unitType returns the type of a unit name, "" when it is not one.
func unitType(name string) string { return unitlog.UnitType(name) }

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
	cronCmd        = regexp.MustCompile(`^\(([^)\s]+)\) CMD \((.*)\)$`)
	cronGrandchild = regexp.MustCompile(`^\(CRON\) error \(grandchild #(\d+) failed with exit status (\d+)\)$`)
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
// MESSAGE_ID when it has one, else by its text (see unitlog.Classify):
// a failure is unitFailed, a clean end or a start job done unitOK.
func classifyManager(f fields) (event, bool) {
	ev, ok := unitlog.Classify(unitlog.Line{
		Ident: f.ident, PID: f.pid, Message: f.message, MessageID: f.messageID,
		Unit: f.unit, UnitResult: f.unitResult, JobResult: f.jobResult,
	})
	if !ok {
		return event{}, false
	}
	switch ev.Kind {
	case unitlog.Failed:
		return event{kind: unitFailed, unit: ev.Unit, result: ev.Result}, true
	case unitlog.Deactivated, unitlog.Started, unitlog.Finished:
		return event{kind: unitOK, unit: ev.Unit}, true
	case unitlog.Boot:
		return event{kind: bootMark}, true
	}
	return event{}, false
}
