package orgdata

import (
	"reflect"
	"testing"
)

func TestAddHostIndexes(t *testing.T) {
	doc := map[string]any{
		"data_stores": []any{
			map[string]any{"id": "a", "hosts": []any{"files-*", "web-01", "web-01"}},
			map[string]any{"id": "b"},
			map[string]any{"id": "c", "hosts": nil},
			map[string]any{"id": "d", "hosts": []any{"*", "f?", "[ab]x", "{x,y}z", `w\*`, "ü-ö-*", "files-*"}},
		},
		"plans": []any{
			map[string]any{"id": "P1", "covers": map[string]any{"hosts": []any{"db-01", "db-*"}, "tags": map[string]any{"role": "cs", "env": "prod"}}},
			map[string]any{"id": "P2", "covers": map[string]any{"tags": map[string]any{"role": "cs"}}},
			map[string]any{"id": "P3", "covers": map[string]any{}},
			map[string]any{"id": "P4"},
		},
	}
	AddHostIndexes(doc)
	wantStores := map[string]any{
		"any":   []any{1, 2},
		"names": map[string]any{"web-01": []any{0}},
		"globs": map[string]any{
			"fil": map[string]any{"files-*": []any{0, 3}},
			"":    map[string]any{"*": []any{3}, "[ab]x": []any{3}, "{x,y}z": []any{3}},
			"f":   map[string]any{"f?": []any{3}},
			"w":   map[string]any{`w\*`: []any{3}},
			"ü-ö": map[string]any{"ü-ö-*": []any{3}},
		},
	}
	if got := doc[DataStoreHostsKey]; !reflect.DeepEqual(got, wantStores) {
		t.Errorf("data_store_hosts = %#v, want %#v", got, wantStores)
	}
	wantPlans := map[string]any{
		"ids":   map[string]any{"P1": 0, "P2": 1, "P3": 2, "P4": 3},
		"names": map[string]any{"db-01": []any{0}},
		"globs": map[string]any{"db-": map[string]any{"db-*": []any{0}}},
		"tags": map[string]any{
			"role": map[string]any{"cs": []any{0, 1}},
			"env":  map[string]any{"prod": []any{0}},
		},
	}
	if got := doc[PlanHostsKey]; !reflect.DeepEqual(got, wantPlans) {
		t.Errorf("plan_hosts = %#v, want %#v", got, wantPlans)
	}
}

// TestAddHostIndexesLeavesOutOdd checks that registers not shaped as
// PolicyData makes them get no index, so that the policies match the
// register itself.
func TestAddHostIndexesLeavesOutOdd(t *testing.T) {
	for name, doc := range map[string]map[string]any{
		"store not an object":   {"data_stores": []any{"a"}},
		"hosts not a list":      {"data_stores": []any{map[string]any{"id": "a", "hosts": "web-*"}}},
		"host not a string":     {"data_stores": []any{map[string]any{"id": "a", "hosts": []any{7}}}},
		"plan not an object":    {"plans": []any{7}},
		"plan ID missing":       {"plans": []any{map[string]any{"covers": map[string]any{}}}},
		"plan IDs repeated":     {"plans": []any{map[string]any{"id": "P"}, map[string]any{"id": "P"}}},
		"covers not an object":  {"plans": []any{map[string]any{"id": "P", "covers": []any{}}}},
		"plan hosts not a list": {"plans": []any{map[string]any{"id": "P", "covers": map[string]any{"hosts": "db-*"}}}},
		"tags not an object":    {"plans": []any{map[string]any{"id": "P", "covers": map[string]any{"tags": "role=x"}}}},
		"tag not a string":      {"plans": []any{map[string]any{"id": "P", "covers": map[string]any{"tags": map[string]any{"floor": 3}}}}},
	} {
		AddHostIndexes(doc)
		if _, ok := doc[DataStoreHostsKey]; ok {
			t.Errorf("%s: data_store_hosts built", name)
		}
		if _, ok := doc[PlanHostsKey]; ok {
			t.Errorf("%s: plan_hosts built", name)
		}
	}
}
