package opa

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

func TestCustomControlsLoadBesideBuiltIns(t *testing.T) {
	ctx := context.Background()
	builtin, err := New(ctx, policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(ctx, policies.FS, Options{CustomDir: "testdata/custom/good"})
	if err != nil {
		t.Fatalf("New with custom controls: %v", err)
	}
	if got, want := len(e.Controls()), len(builtin.Controls())+1; got != want {
		t.Fatalf("%d controls, want %d (built-ins plus ORG-USB-01)", got, want)
	}
	if e.Revision() == builtin.Revision() || !strings.Contains(e.Revision(), "+custom:") {
		t.Errorf("Revision() = %q, want it to include the custom tree (built-in %q)", e.Revision(), builtin.Revision())
	}
	in := ast.MustParseTerm(`{"facts": {"os": {"id": "debian"}}, "collectors": {}, "collector_errors": []}`).Value
	results, err := e.Evaluate(ctx, in, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	var usb *result.Result
	for i := range results {
		if results[i].ControlID == "ORG-USB-01" {
			usb = &results[i]
		}
	}
	if usb == nil {
		t.Fatal("no result for ORG-USB-01")
	}
	if usb.Status != result.Fail || usb.Severity != result.Medium || usb.Evidence[0].Detail != "usb-storage module is loadable" {
		t.Errorf("ORG-USB-01 = %+v, want a medium fail with the helper's message", *usb)
	}
}

func TestCustomControlsRefused(t *testing.T) {
	tests := []struct {
		dir  string
		want []string // substrings of the error: file, line, reason
	}{
		{"syntax", []string{"broken.rego:", "rego_parse_error"}},
		{"nometa", []string{"nometa.rego:1", "no package METADATA"}},
		{"builtin", []string{"sneaky.rego:1", "is built in"}},
		{"outside", []string{"lib.rego:1", "custom modules must be"}},
		{"dupid", []string{"dup.rego", "ICO-SEC-01"}},
		{"does-not-exist", []string{"does-not-exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := New(context.Background(), policies.FS, Options{CustomDir: "testdata/custom/" + tt.dir})
			if err == nil {
				t.Fatalf("New(custom %s) succeeded, want an error", tt.dir)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("New(custom %s) error %q lacks %q", tt.dir, err, w)
				}
			}
		})
	}
}
