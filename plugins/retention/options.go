package retention

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// DefaultMaxFiles is the default bound on the directory entries walked
// per store (option max_files).
const DefaultMaxFiles = 200_000

// maxMaxFiles is the largest max_files accepted.
const maxMaxFiles = 10_000_000

// Defaults for a store's grace and purge windows, the same as the
// policies' retention_grace_days and soft_delete_purge_days thresholds.
const (
	DefaultGraceDays = 30
	DefaultPurgeDays = 30
)

// options are the collector's options: the stores declared for this host
// and the walk bound.
type options struct {
	Stores   []storeSpec
	MaxFiles int
}

// storeSpec is one declared store, with the fields of an entry of the
// organisation's data_stores register (orgdata.DataStore). Hosts and
// PersonalData are accepted so that a register entry can be copied as it
// is, and ignored: the agent's configuration lists this host's stores.
type storeSpec struct {
	ID               string   `json:"id"`
	Hosts            []string `json:"hosts"`
	Path             string   `json:"path"`
	PersonalData     *bool    `json:"personal_data"`
	RetentionDays    *int     `json:"retention_days"`
	GraceDays        *int     `json:"grace_days"`
	SoftDeleteMarker string   `json:"soft_delete_marker"`
	PurgeDays        *int     `json:"purge_days"`
}

// rawOptions is the top level of the options object; each store is
// decoded on its own so that one bad store does not hide the others.
type rawOptions struct {
	Stores   []json.RawMessage `json:"stores"`
	MaxFiles *int              `json:"max_files"`
}

// parseOptions decodes and validates the options object. Problems are
// returned as warnings: an invalid store is left out (so the policy sees
// it as not checked), an invalid max_files falls back to the default.
func parseOptions(raw json.RawMessage) (options, []string) {
	o := options{MaxFiles: DefaultMaxFiles}
	var warns sdk.Warnings
	if len(bytes.TrimSpace(raw)) == 0 {
		return o, nil
	}
	var r rawOptions
	if _, err := sdk.DecodeOptions(raw, &r); err != nil {
		return o, []string{fmt.Sprintf("options: %v; no stores checked", err)}
	}
	if r.MaxFiles != nil {
		if *r.MaxFiles < 1 || *r.MaxFiles > maxMaxFiles {
			warns.Add("options: max_files %d is outside 1..%d; using %d", *r.MaxFiles, maxMaxFiles, DefaultMaxFiles)
		} else {
			o.MaxFiles = *r.MaxFiles
		}
	}
	seen := make(map[string]int, len(r.Stores))
	for i, b := range r.Stores {
		var s storeSpec
		if _, err := sdk.DecodeOptions(b, &s); err != nil {
			warns.Add("options: stores[%d]: %v; store not checked", i, err)
			continue
		}
		if err := s.validate(); err != nil {
			warns.Add("options: stores[%d]: %v; store not checked", i, err)
			continue
		}
		if first, dup := seen[s.ID]; dup {
			warns.Add("options: stores[%d]: duplicate store id %q (first at stores[%d]); store not checked", i, s.ID, first)
			continue
		}
		seen[s.ID] = i
		if s.RetentionDays == nil {
			warns.Add("options: store %q has no retention_days, so past_retention is not counted", s.ID)
		}
		o.Stores = append(o.Stores, s)
	}
	return o, warns
}

// validate checks a store with the rules of orgdata.ParseDataStores.
func (s storeSpec) validate() error {
	if s.ID == "" {
		return fmt.Errorf("id is missing")
	}
	if s.Path == "" {
		return fmt.Errorf("store %q: path is missing", s.ID)
	}
	if !path.IsAbs(s.Path) || path.Clean(s.Path) != s.Path {
		return fmt.Errorf("store %q: path %q is not a clean absolute path (want e.g. /srv/complaints)", s.ID, s.Path)
	}
	if err := checkRange("retention_days", s.RetentionDays, 1, 36525); err != nil {
		return fmt.Errorf("store %q: %w", s.ID, err)
	}
	if err := checkRange("grace_days", s.GraceDays, 0, 3650); err != nil {
		return fmt.Errorf("store %q: %w", s.ID, err)
	}
	if err := checkRange("purge_days", s.PurgeDays, 0, 3650); err != nil {
		return fmt.Errorf("store %q: %w", s.ID, err)
	}
	if s.SoftDeleteMarker != "" && (path.Base(s.SoftDeleteMarker) != s.SoftDeleteMarker || s.SoftDeleteMarker == "." || s.SoftDeleteMarker == "..") {
		return fmt.Errorf("store %q: soft_delete_marker %q must be a file-name suffix without a slash", s.ID, s.SoftDeleteMarker)
	}
	return nil
}

// checkRange reports an error when v is set and outside lo..hi.
func checkRange(name string, v *int, lo, hi int) error {
	if v != nil && (*v < lo || *v > hi) {
		return fmt.Errorf("%s %d is outside %d..%d", name, *v, lo, hi)
	}
	return nil
}

// graceDays is the store's grace period, DefaultGraceDays when unset.
func (s storeSpec) graceDays() int {
	if s.GraceDays == nil {
		return DefaultGraceDays
	}
	return *s.GraceDays
}

// purgeDays is the store's purge window, DefaultPurgeDays when unset.
func (s storeSpec) purgeDays() int {
	if s.PurgeDays == nil {
		return DefaultPurgeDays
	}
	return *s.PurgeDays
}
