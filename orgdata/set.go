package orgdata

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing/fstest"

	"github.com/auditfleet/auditfleet/waiver"
)

// Kind is one kind of organisation data; its value is the key the data
// has in data.org (and in its YAML file).
type Kind string

// The kinds of organisation data.
const (
	KindThresholds     Kind = "thresholds"
	KindLeavers        Kind = "leavers"
	KindApprovedAdmins Kind = "approved_admins"
	KindPlans          Kind = "plans"
	KindDataStores     Kind = "data_stores"
	KindHostTags       Kind = "host_tags"
	KindBaseline       Kind = "baseline"
	KindWaivers        Kind = "waivers"
	KindEntitlements   Kind = "entitlements"
)

// Kinds lists every kind, in the order LoadDir reads them.
func Kinds() []Kind {
	return []Kind{KindThresholds, KindLeavers, KindApprovedAdmins, KindPlans, KindDataStores, KindHostTags, KindBaseline, KindWaivers, KindEntitlements}
}

// FileNames returns the file names LoadDir looks for: "<kind>.yaml", and
// for the leavers list "leavers.csv" first.
func (k Kind) FileNames() []string {
	if k == KindLeavers {
		return []string{"leavers.csv", "leavers.yaml"}
	}
	return []string{string(k) + ".yaml"}
}

// Set is an organisation's data, every kind. A nil field was not
// provided (the parsers return empty, non-nil values for files that list
// nothing): controls that need it report not_assessed.
type Set struct {
	Thresholds     *Thresholds
	Leavers        []Leaver
	ApprovedAdmins []Admin
	Plans          []Plan
	DataStores     []DataStore
	HostTags       HostTags
	Baseline       *Baseline
	Entitlements   []Entitlement
	// Waivers are applied after evaluation (package waiver); they are not
	// part of PolicyData.
	Waivers []waiver.Waiver
}

// Load parses one kind from a file's bytes (name is used in errors and,
// for the leavers list, to choose CSV or YAML) and, when it is valid,
// replaces that kind in s. knownControls is for waivers, see
// ParseWaivers. On error s is unchanged.
func (s *Set) Load(kind Kind, name string, data []byte, knownControls []string) error {
	var err error
	switch kind {
	case KindThresholds:
		var v *Thresholds
		if v, err = ParseThresholds(name, data); err == nil {
			s.Thresholds = v
		}
	case KindLeavers:
		var v []Leaver
		if v, err = ParseLeavers(name, data); err == nil {
			s.Leavers = v
		}
	case KindApprovedAdmins:
		var v []Admin
		if v, err = ParseApprovedAdmins(name, data); err == nil {
			s.ApprovedAdmins = v
		}
	case KindPlans:
		var v []Plan
		if v, err = ParsePlans(name, data); err == nil {
			s.Plans = v
		}
	case KindDataStores:
		var v []DataStore
		if v, err = ParseDataStores(name, data); err == nil {
			s.DataStores = v
		}
	case KindHostTags:
		var v HostTags
		if v, err = ParseHostTags(name, data); err == nil {
			s.HostTags = v
		}
	case KindBaseline:
		var v *Baseline
		if v, err = ParseBaseline(name, data); err == nil {
			s.Baseline = v
		}
	case KindEntitlements:
		var v []Entitlement
		if v, err = ParseEntitlements(name, data); err == nil {
			s.Entitlements = v
		}
	case KindWaivers:
		var v []waiver.Waiver
		if v, err = ParseWaivers(name, data, knownControls); err == nil {
			s.Waivers = v
		}
	default:
		return fmt.Errorf("load %s: unknown kind of organisation data %q", name, kind)
	}
	return err
}

// LoadDir reads the organisation data files in dir (see Kind.FileNames;
// every file is optional, other files are ignored) and returns the Set.
// It refuses the whole directory when any file is invalid, returning
// every problem in every file, or when both leavers.csv and leavers.yaml
// exist.
func LoadDir(dir string, knownControls []string) (*Set, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load organisation data: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load organisation data: %s is not a directory", dir)
	}
	return loadFiles(os.DirFS(dir), dir, knownControls)
}

// LoadFiles is LoadDir over file contents by name (a signed policy
// bundle carries the organisation data this way; see Files).
func LoadFiles(files map[string][]byte, knownControls []string) (*Set, error) {
	fsys := fstest.MapFS{}
	for name, b := range files {
		if !knownFile(name) {
			return nil, fmt.Errorf("load organisation data: %s is not an organisation data file", name)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	return loadFiles(fsys, "", knownControls)
}

// Files returns the organisation data files of dir by name, after
// checking that they load (LoadDir).
func Files(dir string, knownControls []string) (map[string][]byte, error) {
	if _, err := LoadDir(dir, knownControls); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, kind := range Kinds() {
		for _, name := range kind.FileNames() {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("load organisation data: %w", err)
			}
			out[name] = b
		}
	}
	return out, nil
}

func knownFile(name string) bool {
	for _, kind := range Kinds() {
		if slices.Contains(kind.FileNames(), name) {
			return true
		}
	}
	return false
}

// loadFiles reads the organisation data files of fsys; dir prefixes the
// names in errors.
func loadFiles(fsys fs.FS, dir string, knownControls []string) (*Set, error) {
	s := &Set{}
	var errs []error
	for _, kind := range Kinds() {
		var found []string
		for _, name := range kind.FileNames() {
			p := filepath.Join(dir, name)
			data, err := fs.ReadFile(fsys, name)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("load organisation data: %w", err))
				continue
			}
			found = append(found, name)
			if len(found) > 1 {
				errs = append(errs, &Error{File: p, Reason: fmt.Sprintf("both %s and %s exist: keep one", found[0], name)})
				continue
			}
			if err := s.Load(kind, p, data, knownControls); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Overlay returns a set with, for each kind, o's data when o provides it
// and s's otherwise: the precedence of organisation data sources, kind by
// kind (docs/org-data.md). Either may be nil.
func (s *Set) Overlay(o *Set) *Set {
	out := &Set{}
	if s != nil {
		*out = *s
	}
	if o == nil {
		return out
	}
	if o.Thresholds != nil {
		out.Thresholds = o.Thresholds
	}
	if o.Leavers != nil {
		out.Leavers = o.Leavers
	}
	if o.ApprovedAdmins != nil {
		out.ApprovedAdmins = o.ApprovedAdmins
	}
	if o.Plans != nil {
		out.Plans = o.Plans
	}
	if o.DataStores != nil {
		out.DataStores = o.DataStores
	}
	if o.HostTags != nil {
		out.HostTags = o.HostTags
	}
	if o.Baseline != nil {
		out.Baseline = o.Baseline
	}
	if o.Entitlements != nil {
		out.Entitlements = o.Entitlements
	}
	if o.Waivers != nil {
		out.Waivers = o.Waivers
	}
	return out
}

// PolicyData returns the set as data.org for the policies: one key per
// kind provided (waivers excepted), with dates as "YYYY-MM-DD" strings and
// only JSON types (map[string]any, []any, string, int, bool), so that
// OPA's ast.InterfaceToValue and encoding/json take it as it is. Optional
// fields absent from the files are absent here too. Beside the kinds it
// holds the indexes of AddLeaverIndexes, built once per upload.
func (s *Set) PolicyData() map[string]any {
	out := map[string]any{}
	if s.Thresholds != nil {
		out[string(KindThresholds)] = s.Thresholds.policyData()
	}
	if s.Leavers != nil {
		out[string(KindLeavers)] = items(s.Leavers, Leaver.policyData)
	}
	if s.ApprovedAdmins != nil {
		out[string(KindApprovedAdmins)] = items(s.ApprovedAdmins, Admin.policyData)
	}
	if s.Plans != nil {
		out[string(KindPlans)] = items(s.Plans, Plan.policyData)
	}
	if s.DataStores != nil {
		out[string(KindDataStores)] = items(s.DataStores, DataStore.policyData)
	}
	if s.HostTags != nil {
		out[string(KindHostTags)] = s.HostTags.policyData()
	}
	if s.Baseline != nil {
		out[string(KindBaseline)] = s.Baseline.policyData()
	}
	if s.Entitlements != nil {
		out[string(KindEntitlements)] = items(s.Entitlements, Entitlement.policyData)
	}
	AddLeaverIndexes(out)
	return out
}

// items converts a list with f.
func items[T any](list []T, f func(T) map[string]any) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = f(v)
	}
	return out
}

// Digest identifies the content of the set: the first 12 hex digits of
// the SHA-256 of its policy data and waivers as JSON.
func (s *Set) Digest() string {
	b, err := json.Marshal(struct {
		Policy  map[string]any  `json:"policy"`
		Waivers []waiver.Waiver `json:"waivers"`
	}{s.PolicyData(), s.Waivers})
	if err != nil {
		// Every value in a Set is plain data; this cannot happen.
		panic(fmt.Sprintf("orgdata: encode set: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}
