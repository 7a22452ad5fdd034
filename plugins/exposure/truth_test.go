package exposure

import (
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthUnreadSources corrupts each source the exposure facts come from
// on the apache-private fixture (where ICO-SEC-05 passes): the declared
// path's parent directories and the web server's configuration files.
// ICO-SEC-05 must then not pass, nor report zero of anything. The root is
// made by makeRoot, not fixture.Copy: the collector judges file modes, and
// fixture.Copy makes every file 0644. Each source is spoilt in every way
// fixture.Corrupt knows.
func TestTruthUnreadSources(t *testing.T) {
	fx := fixtures["apache-private"]
	// absentOK are removals that leave a legitimate host: a drop-in
	// configuration file deleted or emptied is one that configures
	// nothing, an empty or missing sites-enabled is no site, and without
	// its main configuration file, or with an empty one (no Listen),
	// Apache does not serve (the collector leaves such a server out).
	absentOK := map[string]bool{
		"etc/apache2/sites-enabled/000-default.conf/removed": true,
		"etc/apache2/sites-enabled/000-default.conf/empty":   true,
		"etc/apache2/conf-enabled/docs.conf/removed":         true,
		"etc/apache2/conf-enabled/docs.conf/empty":           true,
		"etc/apache2/sites-enabled/directory":                true,
		"etc/apache2/sites-enabled/empty":                    true,
		"etc/apache2/sites-enabled/removed":                  true,
		"etc/apache2/apache2.conf/removed":                   true,
		"etc/apache2/apache2.conf/empty":                     true,
	}
	sources := []string{
		"srv",
		"srv/complaints",
		"etc/apache2/apache2.conf",
		"etc/apache2/sites-enabled/000-default.conf",
		"etc/apache2/conf-enabled/docs.conf",
		"etc/apache2/sites-enabled",
	}
	for _, src := range sources {
		for _, kind := range append([]fixture.Corruption{""}, fixture.Corruptions...) {
			name := src + "/" + string(kind)
			if kind == "" {
				name += "intact"
			}
			t.Run(name, func(t *testing.T) {
				if absentOK[name] {
					t.Skip("absence is a legitimate state the collector cannot tell from removal")
				}
				dir := makeRoot(t, "apache-private")
				if kind != "" {
					fixture.Corrupt(t, dir, src, kind)
				}
				if _, err := collectorRun(t, dir, fx.options); err != nil {
					t.Logf("collector error (ICO-SEC-05 ends in error): %v", err)
					return
				}
				f, warns := collectDir(t, dir, fx.options)
				status, ev := controlStatus(t, f)
				t.Logf("ICO-SEC-05 = %s %+v (warnings %q)", status, ev, warns)
				if kind == "" {
					if status != result.Pass {
						t.Errorf("ICO-SEC-05 on the intact fixture = %s, want pass", status)
					}
					return
				}
				switch status {
				case result.NotAssessed:
					if len(ev) == 0 {
						t.Error("ICO-SEC-05 not_assessed without a reason")
					}
				case result.Error, result.Fail:
				default:
					t.Errorf("ICO-SEC-05 = %s on a corrupted %s: %+v", status, src, ev)
				}
				if slices.ContainsFunc(ev, func(e result.Evidence) bool {
					return strings.HasPrefix(e.Detail, "0 ") || strings.HasPrefix(e.Detail, "items checked: 0;")
				}) {
					t.Errorf("ICO-SEC-05 reports a count of zero: %+v", ev)
				}
			})
		}
	}
}

// collectorRun runs the collector without failing the test on an error.
func collectorRun(t *testing.T, dir, options string) (any, error) {
	t.Helper()
	resp, err := collectortest.Run(t, New(), dir, options)
	return resp.Facts, err
}
