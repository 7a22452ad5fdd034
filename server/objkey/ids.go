package objkey

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// HostID identifies an enrolled host: "h_" followed by 20 lowercase hex
// digits (80 random bits), assigned by the server. Obtain one from
// NewHostID or ParseHostID.
type HostID struct{ s string }

const (
	hostPrefix = "h_"
	hostHexLen = 20
)

// NewHostID returns a new random host ID.
func NewHostID() HostID {
	var b [hostHexLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return HostID{hostPrefix + hex.EncodeToString(b[:])}
}

// ParseHostID parses s as a host ID.
func ParseHostID(s string) (HostID, error) {
	hexPart, ok := strings.CutPrefix(s, hostPrefix)
	if !ok || !isLowerHex(hexPart, hostHexLen) {
		return HostID{}, fmt.Errorf("host ID %s: want %q and %d lowercase hex digits", quote(s), hostPrefix, hostHexLen)
	}
	return HostID{s}, nil
}

// String returns the ID as it appears in keys.
func (h HostID) String() string { return h.s }

// IsZero reports whether h is the zero HostID.
func (h HostID) IsZero() bool { return h.s == "" }

// MarshalText implements encoding.TextMarshaler.
func (h HostID) MarshalText() ([]byte, error) { return []byte(h.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler, validating the ID.
func (h *HostID) UnmarshalText(b []byte) (err error) {
	*h, err = ParseHostID(string(b))
	return err
}

// CycleID identifies an audit cycle by its scheduled time in UTC, to the
// minute: "2026-11-20T1200Z". Obtain one from CycleAt or ParseCycleID.
type CycleID struct{ s string }

// CycleLayout is the time layout of a CycleID.
const CycleLayout = "2006-01-02T1504Z"

// CycleAt returns the ID of the cycle scheduled at t (converted to UTC and
// truncated to the minute). Years outside 1000–9999 have no ID.
func CycleAt(t time.Time) (CycleID, error) {
	t = t.UTC().Truncate(time.Minute)
	if y := t.Year(); y < 1000 || y > 9999 {
		return CycleID{}, fmt.Errorf("cycle time %s: year %d out of range", t, y)
	}
	return CycleID{t.Format(CycleLayout)}, nil
}

// ParseCycleID parses s as a cycle ID. It must be exactly what CycleAt
// produces: no seconds, no other zone, no missing zero padding.
func ParseCycleID(s string) (CycleID, error) {
	t, err := time.Parse(CycleLayout, s)
	if err != nil || t.Format(CycleLayout) != s {
		return CycleID{}, fmt.Errorf("cycle ID %s: want UTC time like %q", quote(s), "2026-11-20T1200Z")
	}
	return CycleID{s}, nil
}

// String returns the ID as it appears in keys.
func (c CycleID) String() string { return c.s }

// IsZero reports whether c is the zero CycleID.
func (c CycleID) IsZero() bool { return c.s == "" }

// Time returns the cycle's scheduled time (UTC).
func (c CycleID) Time() time.Time {
	t, _ := time.Parse(CycleLayout, c.s) // validated when c was made
	return t
}

// MarshalText implements encoding.TextMarshaler.
func (c CycleID) MarshalText() ([]byte, error) { return []byte(c.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler, validating the ID.
func (c *CycleID) UnmarshalText(b []byte) (err error) {
	*c, err = ParseCycleID(string(b))
	return err
}

// ReportID identifies one facts report: 32 lowercase hex digits, as
// facts.NewReportID makes. Obtain one from ParseReportID.
type ReportID struct{ s string }

const reportHexLen = 32

// ParseReportID parses s as a report ID.
func ParseReportID(s string) (ReportID, error) {
	if !isLowerHex(s, reportHexLen) {
		return ReportID{}, fmt.Errorf("report ID %s: want %d lowercase hex digits", quote(s), reportHexLen)
	}
	return ReportID{s}, nil
}

// String returns the ID as it appears in keys.
func (r ReportID) String() string { return r.s }

// IsZero reports whether r is the zero ReportID.
func (r ReportID) IsZero() bool { return r.s == "" }

// MarshalText implements encoding.TextMarshaler.
func (r ReportID) MarshalText() ([]byte, error) { return []byte(r.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler, validating the ID.
func (r *ReportID) UnmarshalText(b []byte) (err error) {
	*r, err = ParseReportID(string(b))
	return err
}

// OrgKind names a kind of organisation data the server holds.
type OrgKind struct{ s string }

// The kinds of organisation data.
var (
	Leavers        = OrgKind{"leavers"}
	ApprovedAdmins = OrgKind{"approved_admins"}
	Plans          = OrgKind{"plans"}
	DataStores     = OrgKind{"data_stores"}
	HostTags       = OrgKind{"host_tags"}
	Thresholds     = OrgKind{"thresholds"}
	Waivers        = OrgKind{"waivers"}
	Baseline       = OrgKind{"baseline"}
	Entitlements   = OrgKind{"entitlements"}
)

// OrgKinds returns every kind of organisation data, in key order.
func OrgKinds() []OrgKind {
	return []OrgKind{ApprovedAdmins, Baseline, DataStores, Entitlements, HostTags, Leavers, Plans, Thresholds, Waivers}
}

// ParseOrgKind parses s as one of the OrgKinds.
func ParseOrgKind(s string) (OrgKind, error) {
	var names []string
	for _, k := range OrgKinds() {
		if k.s == s {
			return k, nil
		}
		names = append(names, k.s)
	}
	return OrgKind{}, fmt.Errorf("organisation data kind %s: want one of %s", quote(s), strings.Join(names, ", "))
}

// String returns the kind as it appears in keys.
func (k OrgKind) String() string { return k.s }

// IsZero reports whether k is the zero OrgKind.
func (k OrgKind) IsZero() bool { return k.s == "" }

// MarshalText implements encoding.TextMarshaler.
func (k OrgKind) MarshalText() ([]byte, error) { return []byte(k.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler, validating the kind.
func (k *OrgKind) UnmarshalText(b []byte) (err error) {
	*k, err = ParseOrgKind(string(b))
	return err
}

// OrgVersion identifies one upload of organisation data: its UTC time to
// the second and 8 random lowercase hex digits,
// "20261120T120000Z-1a2b3c4d", so versions sort by time. Obtain one from
// NewOrgVersion or ParseOrgVersion.
type OrgVersion struct{ s string }

const (
	orgVersionLayout = "20060102T150405Z"
	orgVersionHexLen = 8
)

// NewOrgVersion returns a new version ID for data uploaded at t.
func NewOrgVersion(at time.Time) (OrgVersion, error) {
	at = at.UTC()
	if y := at.Year(); y < 1000 || y > 9999 {
		return OrgVersion{}, fmt.Errorf("organisation data time %s: year %d out of range", at, y)
	}
	var b [orgVersionHexLen / 2]byte
	_, _ = rand.Read(b[:])
	return OrgVersion{at.Format(orgVersionLayout) + "-" + hex.EncodeToString(b[:])}, nil
}

// ParseOrgVersion parses s as an organisation data version.
func ParseOrgVersion(s string) (OrgVersion, error) {
	ts, random, ok := strings.Cut(s, "-")
	t, err := time.Parse(orgVersionLayout, ts)
	if !ok || err != nil || t.Format(orgVersionLayout) != ts || !isLowerHex(random, orgVersionHexLen) {
		return OrgVersion{}, fmt.Errorf("organisation data version %s: want UTC time and %d lowercase hex digits like %q", quote(s), orgVersionHexLen, "20261120T120000Z-1a2b3c4d")
	}
	return OrgVersion{s}, nil
}

// String returns the version as it appears in keys.
func (v OrgVersion) String() string { return v.s }

// IsZero reports whether v is the zero OrgVersion.
func (v OrgVersion) IsZero() bool { return v.s == "" }

// MarshalText implements encoding.TextMarshaler.
func (v OrgVersion) MarshalText() ([]byte, error) { return []byte(v.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler, validating the version.
func (v *OrgVersion) UnmarshalText(b []byte) (err error) {
	*v, err = ParseOrgVersion(string(b))
	return err
}

// Format is the file format of an organisation data object, its key's
// extension.
type Format struct{ s string }

// The formats organisation data is stored in.
var (
	JSON = Format{"json"}
	CSV  = Format{"csv"}
	YAML = Format{"yaml"}
)

// ParseFormat parses s ("json", "csv" or "yaml") as a Format.
func ParseFormat(s string) (Format, error) {
	for _, f := range []Format{JSON, CSV, YAML} {
		if f.s == s {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("organisation data format %s: want json, csv or yaml", quote(s))
}

// String returns the format's extension.
func (f Format) String() string { return f.s }

// IsZero reports whether f is the zero Format.
func (f Format) IsZero() bool { return f.s == "" }

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// quote quotes untrusted input for an error message, shortened if long.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q… (%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// WriterID identifies one writer of the audit log, one server or command
// process: "w_" followed by 16 lowercase hex digits (64 random bits).
// Obtain one from NewWriterID or ParseWriterID.
type WriterID struct{ s string }

const (
	writerPrefix = "w_"
	writerHexLen = 16
)

// NewWriterID returns a new random writer ID.
func NewWriterID() WriterID {
	var b [writerHexLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return WriterID{writerPrefix + hex.EncodeToString(b[:])}
}

// ParseWriterID parses s as a writer ID.
func ParseWriterID(s string) (WriterID, error) {
	hexPart, ok := strings.CutPrefix(s, writerPrefix)
	if !ok || !isLowerHex(hexPart, writerHexLen) {
		return WriterID{}, fmt.Errorf("writer ID %s: want %q and %d lowercase hex digits", quote(s), writerPrefix, writerHexLen)
	}
	return WriterID{s}, nil
}

// String returns the ID as it appears in keys.
func (w WriterID) String() string { return w.s }

// IsZero reports whether w is the zero WriterID.
func (w WriterID) IsZero() bool { return w.s == "" }

// MarshalText implements encoding.TextMarshaler.
func (w WriterID) MarshalText() ([]byte, error) { return []byte(w.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler, validating the ID.
func (w *WriterID) UnmarshalText(b []byte) (err error) {
	*w, err = ParseWriterID(string(b))
	return err
}
