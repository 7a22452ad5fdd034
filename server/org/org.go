package org

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// MaxUploadBytes bounds one organisation data document.
const MaxUploadBytes = 4 << 20

// Pointer is the content of org/<kind>/current.json.
type Pointer struct {
	Kind       string    `json:"kind"`
	Version    string    `json:"version"`
	Format     string    `json:"format"`
	SHA256     string    `json:"sha256"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// ErrInvalid wraps validation errors of an upload.
var ErrInvalid = errors.New("invalid organisation data")

// ErrMediaType is returned for an upload whose content type does not fit
// its kind.
var ErrMediaType = errors.New("unsupported media type")

// Org stores organisation data and keeps the current snapshot.
type Org struct {
	Store store.Backend
	// NewEngine builds the policy engine over organisation data (data.org).
	NewEngine func(ctx context.Context, org map[string]any) (*opa.Engine, error)
	// Controls are the known control IDs, for validating waivers.
	Controls []string
	// TTL is how long a snapshot is used before the pointers are read
	// again (default 30s).
	TTL time.Duration
	Now func() time.Time

	mu      sync.Mutex
	current *assess.Policies
	checked time.Time
}

func (o *Org) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// formatOf picks the storage format of an upload of kind from its
// content type.
func formatOf(kind objkey.OrgKind, contentType string) (objkey.Format, error) {
	ct := strings.TrimSpace(strings.Split(contentType, ";")[0])
	switch ct {
	case "text/csv":
		if kind.String() != string(orgdata.KindLeavers) {
			return objkey.Format{}, fmt.Errorf("%w: only the leavers list may be CSV", ErrMediaType)
		}
		return objkey.CSV, nil
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		return objkey.YAML, nil
	}
	return objkey.Format{}, fmt.Errorf("%w: content type %q: want application/yaml (or text/csv for leavers)", ErrMediaType, ct)
}

// Upload validates data as organisation data of kind, stores it as a new
// version and makes it current. It returns the new pointer.
func (o *Org) Upload(ctx context.Context, kind objkey.OrgKind, contentType string, data []byte, who string) (Pointer, error) {
	f, err := formatOf(kind, contentType)
	if err != nil {
		return Pointer{}, err
	}
	if len(data) > MaxUploadBytes {
		return Pointer{}, fmt.Errorf("%w: %d bytes, over the %d byte limit", ErrInvalid, len(data), MaxUploadBytes)
	}
	name := kind.String() + "." + f.String()
	var probe orgdata.Set
	if err := probe.Load(orgdata.Kind(kind.String()), name, data, o.Controls); err != nil {
		return Pointer{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	now := o.now()
	v, err := objkey.NewOrgVersion(now)
	if err != nil {
		return Pointer{}, err
	}
	o2, err := store.PutBytes(ctx, o.Store, objkey.OrgData(kind, v, f), data, store.PutOptions{WriteOnce: true, ContentType: "text/plain; charset=utf-8"})
	if err != nil {
		return Pointer{}, fmt.Errorf("store %s: %w", kind, err)
	}
	p := Pointer{Kind: kind.String(), Version: v.String(), Format: f.String(), SHA256: o2.SHA256, UploadedBy: who, UploadedAt: now}
	if _, err := store.PutJSON(ctx, o.Store, objkey.OrgCurrent(kind), p, store.PutOptions{}); err != nil {
		return Pointer{}, fmt.Errorf("make %s current: %w", kind, err)
	}
	o.mu.Lock()
	o.checked = time.Time{} // this replica sees its own change at once
	o.mu.Unlock()
	return p, nil
}

// Get returns the current document of kind and its pointer.
func (o *Org) Get(ctx context.Context, kind objkey.OrgKind) ([]byte, Pointer, error) {
	var p Pointer
	if _, err := store.GetJSON(ctx, o.Store, objkey.OrgCurrent(kind), &p); err != nil {
		return nil, Pointer{}, err
	}
	key, err := dataKey(kind, p)
	if err != nil {
		return nil, Pointer{}, err
	}
	b, _, err := store.GetBytes(ctx, o.Store, key)
	return b, p, err
}

func dataKey(kind objkey.OrgKind, p Pointer) (string, error) {
	v, err := objkey.ParseOrgVersion(p.Version)
	if err != nil {
		return "", fmt.Errorf("%s pointer: %w", kind, err)
	}
	f, err := objkey.ParseFormat(p.Format)
	if err != nil {
		return "", fmt.Errorf("%s pointer: %w", kind, err)
	}
	return objkey.OrgData(kind, v, f), nil
}

// Current returns the policies with the organisation data in force, one
// snapshot read once (the engine built on the data, and the same data for
// waivers and host tags), rebuilding only when a pointer changed. Its
// OrgKey identifies the versions in force ("" when there is no data).
func (o *Org) Current(ctx context.Context) (*assess.Policies, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	ttl := o.TTL
	if ttl <= 0 {
		ttl = 30 * time.Second
	}
	if o.current != nil && o.now().Sub(o.checked) < ttl {
		return o.current, nil
	}
	pointers := map[objkey.OrgKind]Pointer{}
	var ids []string
	for _, k := range objkey.OrgKinds() {
		var p Pointer
		if _, err := store.GetJSON(ctx, o.Store, objkey.OrgCurrent(k), &p); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return nil, fmt.Errorf("organisation data: %w", err)
		}
		pointers[k] = p
		ids = append(ids, k.String()+"="+p.Version)
	}
	slices.Sort(ids)
	key := ""
	if len(ids) > 0 {
		sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
		key = hex.EncodeToString(sum[:])[:12]
	}
	if o.current != nil && o.current.OrgKey == key {
		o.checked = o.now()
		return o.current, nil
	}
	set := &orgdata.Set{}
	for k, p := range pointers {
		dk, err := dataKey(k, p)
		if err != nil {
			return nil, err
		}
		b, _, err := store.GetBytes(ctx, o.Store, dk)
		if err != nil {
			return nil, fmt.Errorf("organisation data: %w", err)
		}
		if err := set.Load(orgdata.Kind(k.String()), k.String()+"."+p.Format, b, o.Controls); err != nil {
			return nil, fmt.Errorf("organisation data %s version %s no longer validates: %w", k, p.Version, err)
		}
	}
	var orgDoc map[string]any
	if key != "" {
		orgDoc = set.PolicyData()
	}
	engine, err := o.NewEngine(ctx, orgDoc)
	if err != nil {
		return nil, fmt.Errorf("build policies with organisation data: %w", err)
	}
	o.current, o.checked = &assess.Policies{Engine: engine, Org: set, OrgKey: key}, o.now()
	return o.current, nil
}
