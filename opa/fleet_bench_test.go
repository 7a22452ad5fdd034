package opa

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/plugins/accounts"
	osinfo "github.com/auditfleet/auditfleet/plugins/os"
	"github.com/auditfleet/auditfleet/policies"
)

// fleet is a realistic mix of n hosts for the catalogue organisation data,
// as the server evaluates them (input.host and input.server set, see
// server/ingest): two in three run every collector (catalogueHost), one
// in three only the os and accounts ones (an agent predating the newer
// collectors, realisticHost); names cycle through the web, file-server,
// service and app hosts the organisation data mentions; each host has
// users of its own, and its facts were collected up to a day before the
// evaluation time.
func fleet(tb testing.TB, n int) []ast.Value {
	tb.Helper()
	full, partial := catalogueHost(tb), realisticHost(tb)
	var out []ast.Value
	for i := range n {
		doc := *full
		if i%3 == 2 {
			doc = *partial
		}
		doc.Facts = maps.Clone(doc.Facts)
		name := []string{"web-%02d", "files-%02d", "svc%02d-app", "app-%02d", "db-%02d"}[i%5]
		name = fmt.Sprintf(name, i%40)
		var osf osinfo.Facts
		var acc accounts.Facts
		if err := json.Unmarshal(doc.Facts[osinfo.Namespace], &osf); err != nil {
			tb.Fatal(err)
		}
		if err := json.Unmarshal(doc.Facts[accounts.Namespace], &acc); err != nil {
			tb.Fatal(err)
		}
		osf.Hostname = name
		shift := time.Duration(i*37) * time.Minute
		for j := range acc.Users {
			u := &acc.Users[j]
			if u.UID >= 1000 {
				u.Name = fmt.Sprintf("%s-h%d", u.Name, i)
			}
			if u.LastLogin.Time != nil {
				t := u.LastLogin.Time.Add(-shift)
				u.LastLogin.Time = &t
			}
		}
		doc.Facts[osinfo.Namespace] = mustJSON(tb, osf)
		doc.Facts[accounts.Namespace] = mustJSON(tb, acc)
		doc.CollectedAt = benchNow.Add(-shift)
		doc.ReportID = fmt.Sprintf("%032x", i)
		raw := mustJSON(tb, doc)
		v, err := InputJSON(raw)
		if err != nil {
			tb.Fatal(err)
		}
		obj := v.(ast.Object)
		obj.Insert(ast.StringTerm("server"), ast.ObjectTerm(ast.Item(ast.StringTerm("missed_cycles"), ast.IntNumberTerm(0))))
		obj.Insert(ast.StringTerm("host"), ast.ObjectTerm(
			ast.Item(ast.StringTerm("id"), ast.StringTerm(fmt.Sprintf("h-%d", i))),
			ast.Item(ast.StringTerm("name"), ast.StringTerm(name)),
			ast.Item(ast.StringTerm("tags"), ast.ObjectTerm(ast.Item(ast.StringTerm("env"), ast.StringTerm("production")))),
		))
		out = append(out, obj)
	}
	return out
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkEvaluateFleet evaluates the whole catalogue for a realistic
// mixed fleet (see fleet), one host per iteration, in one goroutine: the
// figure per core.
func BenchmarkEvaluateFleet(b *testing.B) {
	ctx := context.Background()
	e, hosts := fleetEngine(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.Evaluate(ctx, hosts[i%len(hosts)], benchNow); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hosts/s")
}

// BenchmarkEvaluateFleetParallel evaluates the fleet as
// BenchmarkEvaluateFleet does, from GOMAXPROCS goroutines sharing one
// engine, as the server does: run with -cpu 1,2 (make bench) for the
// figure on all cores beside the one on a single core.
func BenchmarkEvaluateFleetParallel(b *testing.B) {
	ctx := context.Background()
	e, hosts := fleetEngine(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			if _, err := e.Evaluate(ctx, hosts[i%int64(len(hosts))], benchNow); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hosts/s")
}

// fleetEngine is the engine with the catalogue organisation data, and the
// 60-host fleet mix, of the fleet benchmarks.
func fleetEngine(b *testing.B) (*Engine, []ast.Value) {
	b.Helper()
	e, err := New(context.Background(), policies.FS, Options{Org: catalogueOrg()})
	if err != nil {
		b.Fatal(err)
	}
	return e, fleet(b, 60)
}
