package config

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLoadExample(t *testing.T) {
	c, err := Load("testdata/server.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Storage.S3.Bucket != "auditfleet-evidence" || !c.Storage.S3.PathStyle || time.Duration(c.Cycle.Jitter) != 30*time.Minute || !*c.Audit.RequireJustification ||
		c.Storage.S3.RetentionMode != "governance" || c.Tokens.DefaultTTLDays != 90 || c.Limits.SecretEnrollsPerMinute != 300 ||
		c.Limits.MaxInflightReportBytes != 64<<20 || c.Facts.SchemasDir != "/etc/auditfleet/schemas" {
		t.Errorf("Load = %+v", c)
	}
}

func TestDefault(t *testing.T) {
	c := Default("/var/lib/auditfleet/store")
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8480" || c.Cycle.Schedule != "0 2 * * *" || !*c.Audit.RequireJustification ||
		c.Tokens.DefaultTTLDays != 90 || c.Limits.EnrollsPerMinute != 60 || c.Limits.SecretEnrollBurst != 100 ||
		c.Limits.MaxInflightReportBytes != 4*c.Limits.MaxReportBytes || c.Facts.SchemasDir != "" {
		t.Errorf("Default = %+v", c)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"unknown key", "storage: {type: dir, dir: /x}\nlisen: :80\n", "unknown field"},
		{"no storage", "listen: 127.0.0.1:1\n", "storage.type"},
		{"plain http on all interfaces", "listen: 0.0.0.0:80\nstorage: {type: dir, dir: /x}\n", "plain HTTP"},
		{"s3 without bucket", "storage: {type: s3, s3: {endpoint: x:9000}}\n", "bucket"},
		{"bad retention mode", "storage: {type: s3, s3: {endpoint: x, bucket: b, retention_mode: forever}}\n", "retention_mode"},
		{"tiny report limit", "storage: {type: dir, dir: /x}\nlimits: {max_report_bytes: 10}\n", "max_report_bytes"},
		{"bundle without key", "storage: {type: dir, dir: /x}\npolicy: {bundle: /b.tar.gz}\n", "no bundle key"},
		{"bundle and custom controls", "storage: {type: dir, dir: /x}\npolicy: {bundle: /b.tar.gz, bundle_key: /k.pem, custom_dir: /c}\n", "cannot be used together"},
		{"enroll limit without burst", "storage: {type: dir, dir: /x}\nlimits: {enrolls_per_minute: 10}\n", "enroll_burst"},
		{"negative secret enroll limit", "storage: {type: dir, dir: /x}\nlimits: {secret_enrolls_per_minute: -1, secret_enroll_burst: 5}\n", "secret_enroll_burst"},
		{"token ttl negative", "storage: {type: dir, dir: /x}\ntokens: {default_ttl_days: -1}\n", "default_ttl_days"},
		{"token ttl too long", "storage: {type: dir, dir: /x}\ntokens: {default_ttl_days: 4000}\n", "default_ttl_days"},
		{"in-flight budget below one report", "storage: {type: dir, dir: /x}\nlimits: {max_report_bytes: 2048, max_inflight_report_bytes: 2047}\n", "max_inflight_report_bytes"},
		{"bad jitter", "storage: {type: dir, dir: /x}\ncycle: {jitter: soon}\n", "invalid duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%q) error = %v, want it to mention %q", tt.doc, err, tt.want)
			}
		})
	}
}

// TestDeployExample keeps the example IT ops copy valid.
func TestDeployExample(t *testing.T) {
	if _, err := Load("../../deploy/config/server.yaml"); err != nil {
		t.Fatalf("deploy/config/server.yaml: %v", err)
	}
}

// TestRetentionModes keeps storage.s3.retention_mode and docs/storage.md
// in agreement: every mode the docs name (table and examples) is accepted
// in either case and normalised to the lower-case form the store takes;
// anything else is refused.
func TestRetentionModes(t *testing.T) {
	doc, err := os.ReadFile("../../docs/storage.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("retention_mode: *(\\w+)|`(governance|compliance)`").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]+m[2]] = true
	}
	if !documented["governance"] || !documented["compliance"] {
		t.Fatalf("docs/storage.md names retention modes %v; want governance and compliance", documented)
	}
	base := "storage: {type: s3, s3: {endpoint: x, bucket: b, retention_mode: %s}}\n"
	for m := range documented {
		for _, v := range []string{m, strings.ToUpper(m)} {
			c, err := Parse([]byte(fmt.Sprintf(base, v)))
			if err != nil {
				t.Errorf("retention_mode %s (documented) refused: %v", v, err)
				continue
			}
			if c.Storage.S3.RetentionMode != strings.ToLower(m) {
				t.Errorf("retention_mode %s read as %q, want %q", v, c.Storage.S3.RetentionMode, strings.ToLower(m))
			}
		}
	}
	for _, bad := range []string{"forever", "governance2", "legal"} {
		if _, err := Parse([]byte(fmt.Sprintf(base, bad))); err == nil || !strings.Contains(err.Error(), "retention_mode") {
			t.Errorf("retention_mode %s: error %v, want a retention_mode error", bad, err)
		}
	}
}
