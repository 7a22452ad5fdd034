package services

import (
	"encoding/json"
	"fmt"
	"path"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Option defaults and bounds.
const (
	// DefaultLookbackDays is how many days of logs are read by default.
	DefaultLookbackDays = 14
	maxLookbackDays     = 366
	// DefaultJournalMaxMB bounds the journal bytes read in one collection.
	DefaultJournalMaxMB = 1024
	maxJournalMaxMB     = 64 << 10
	// maxExtraLogs bounds the extra_logs option.
	maxExtraLogs = 32
)

// options are the collector's options.
type options struct {
	// LookbackDays is how far back logs are read.
	LookbackDays int
	// JournalMaxBytes bounds the journal bytes read, over all files.
	JournalMaxBytes int64
	// ExtraLogs are more syslog-format text logs to read.
	ExtraLogs []string
}

// rawOptions is the options object as written in the agent configuration.
type rawOptions struct {
	LookbackDays *int     `json:"lookback_days"`
	JournalMaxMB *int     `json:"journal_max_mb"`
	ExtraLogs    []string `json:"extra_logs"`
}

// parseOptions decodes the options object. Problems are warnings: a bad
// value falls back to its default, a bad path is left out, and options
// that do not decode at all are ignored as a whole.
func parseOptions(raw json.RawMessage) (options, []string) {
	o := options{LookbackDays: DefaultLookbackDays, JournalMaxBytes: DefaultJournalMaxMB << 20}
	var r rawOptions
	if set, err := sdk.DecodeOptions(raw, &r); err != nil {
		return o, []string{fmt.Sprintf("options: %v; options ignored", err)}
	} else if !set {
		return o, nil
	}
	var warns sdk.Warnings
	if r.LookbackDays != nil {
		if v := *r.LookbackDays; v < 1 || v > maxLookbackDays {
			warns.Add("options: lookback_days %d is not between 1 and %d; using %d", v, maxLookbackDays, DefaultLookbackDays)
		} else {
			o.LookbackDays = v
		}
	}
	if r.JournalMaxMB != nil {
		if v := *r.JournalMaxMB; v < 1 || v > maxJournalMaxMB {
			warns.Add("options: journal_max_mb %d is not between 1 and %d; using %d", v, maxJournalMaxMB, DefaultJournalMaxMB)
		} else {
			o.JournalMaxBytes = int64(v) << 20
		}
	}
	for i, p := range r.ExtraLogs {
		switch {
		case i >= maxExtraLogs:
			warns.Add("options: extra_logs: more than %d; the rest ignored", maxExtraLogs)
		case !path.IsAbs(p) || path.Clean(p) != p:
			warns.Add("options: extra_logs[%d] %q is not a clean absolute path; ignored", i, p)
			continue
		default:
			o.ExtraLogs = append(o.ExtraLogs, p)
			continue
		}
		break
	}
	return o, warns
}
