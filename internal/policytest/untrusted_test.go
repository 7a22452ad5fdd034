package policytest

import (
	"fmt"
	"testing"

	"github.com/auditfleet/auditfleet/result"
)

// recorder records errors instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestUntrustedCheck checks that each verdict a truth test may not accept
// is reported, and the others are not.
func TestUntrustedCheck(t *testing.T) {
	reason := []result.Evidence{{Subject: "s", Detail: "source not read in full", Fact: "f"}}
	zero := []result.Evidence{{Subject: "s", Detail: "0 security updates pending", Fact: "f"}}
	tests := []struct {
		name    string
		u       Untrusted
		r       result.Result
		missing bool
		errs    int
	}{
		{"not assessed with a reason", Untrusted{}, result.Result{Status: result.NotAssessed, Evidence: reason}, false, 0},
		{"fail", Untrusted{}, result.Result{Status: result.Fail, Evidence: reason}, false, 0},
		{"error", Untrusted{}, result.Result{Status: result.Error, Evidence: reason}, false, 0},
		{"pass", Untrusted{WarnOK: true, ZeroOK: true}, result.Result{Status: result.Pass, Evidence: reason}, false, 1},
		{"warn", Untrusted{}, result.Result{Status: result.Warn, Evidence: reason}, false, 1},
		{"warn allowed", Untrusted{WarnOK: true}, result.Result{Status: result.Warn, Evidence: reason}, false, 0},
		{"not assessed without a reason", Untrusted{}, result.Result{Status: result.NotAssessed}, false, 1},
		{"zero", Untrusted{}, result.Result{Status: result.Fail, Evidence: zero}, false, 1},
		{"zero allowed", Untrusted{ZeroOK: true}, result.Result{Status: result.Fail, Evidence: zero}, false, 0},
		{"no result", Untrusted{}, result.Result{}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			tt.u.Check(rec, "ICO-X", tt.r, !tt.missing)
			if len(rec.errs) != tt.errs {
				t.Errorf("Check reported %q, want %d errors", rec.errs, tt.errs)
			}
		})
	}
}
