package opa

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"testing"

	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/policies"
)

// TestHostIndexesGiveTheSameResults evaluates hosts of many names and tags
// against organisation data with and without the indexes of
// orgdata.AddHostIndexes: the results must be identical.
func TestHostIndexesGiveTheSameResults(t *testing.T) {
	ctx := context.Background()
	orgs := map[string]map[string]any{"catalogue": catalogueOrg()}
	for name, c := range loadCases(t) {
		if c.Org != nil {
			orgs[name] = c.Org
		}
	}
	doc, err := json.Marshal(catalogueHost(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, org := range orgs {
		plain := maps.Clone(org)
		delete(plain, orgdata.DataStoreHostsKey)
		delete(plain, orgdata.PlanHostsKey)
		indexed := maps.Clone(plain)
		orgdata.AddHostIndexes(indexed)
		if _, ok := indexed[orgdata.PlanHostsKey]; !ok && name == "catalogue" {
			t.Fatal("catalogue organisation data has no plan index")
		}
		withIndex, err := New(ctx, policies.FS, Options{Org: indexed})
		if err != nil {
			t.Fatal(err)
		}
		without, err := New(ctx, policies.FS, Options{Org: plain})
		if err != nil {
			t.Fatal(err)
		}
		for _, host := range []map[string]any{
			nil,
			{"name": "web-01"},
			{"name": "web-02", "tags": map[string]any{"service": "svc03"}},
			{"name": "files-07"},
			{"name": "svc04-db"},
			{"name": "db-01", "tags": map[string]any{"role": "continuity-system"}},
			{"name": "", "tags": map[string]any{"env": "production"}},
			{"name": "app-03x", "tags": map[string]any{"role": 7}},
		} {
			var d map[string]any
			if err := json.Unmarshal(doc, &d); err != nil {
				t.Fatal(err)
			}
			if host != nil {
				d["host"] = host
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			in, err := InputJSON(b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := withIndex.Evaluate(ctx, in, benchNow)
			if err != nil {
				t.Fatal(err)
			}
			want, err := without.Evaluate(ctx, in, benchNow)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("org %s, host %v: results with indexes differ:\n got %+v\nwant %+v", name, host, diff(got, want), diff(want, got))
			}
		}
	}
}
