package patching

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/plugins/internal/rpmdb"
)

const updateinfoSample = `<?xml version="1.0" encoding="UTF-8"?>
<updates>
  <update from="security@redhat.com" status="final" type="security" version="1">
    <id>RHSA-2026:1234</id>
    <title>Important: openssl security update</title>
    <issued date="2026-07-02 10:15:00"/>
    <updated date="2026-07-03 00:00:00"/>
    <severity>Important</severity>
    <description>An &lt;escaped&gt; description.</description>
    <pkglist>
      <collection short="rhel-9">
        <name>rhel-9</name>
        <package name="openssl-libs" version="3.0.7" release="27.el9" epoch="1" arch="x86_64" src="openssl-3.0.7-27.el9.src.rpm">
          <filename>openssl-libs-3.0.7-27.el9.x86_64.rpm</filename>
        </package>
        <package name="openssl" version="3.0.7" release="27.el9" arch="x86_64"/>
        <package name="bad-epoch" version="1" release="1" epoch="x" arch="x86_64"/>
        <package name="no-release" version="1" epoch="0" arch="x86_64"/>
      </collection>
      <collection short="rhel-9-nodejs-18">
        <name>rhel-9-nodejs-18</name>
        <module name="nodejs" stream="18" version="9040020240101" context="9edba152" arch="x86_64"/>
        <package name="nodejs" version="18.20.0" release="1.module+el9.4.0+200+bbbb" epoch="1" arch="x86_64"/>
      </collection>
    </pkglist>
  </update>
  <update type="bugfix"><id> RHBA-2026:1 </id><issued date="1785456000"/></update>
  <update type="security"><id></id></update>
  <update type="security"><id>RHSA-2026:9</id><issued date="yesterday"/></update>
</updates>
`

func TestParseUpdateinfo(t *testing.T) {
	var got []advisory
	if err := parseUpdateinfo(context.Background(), strings.NewReader(updateinfoSample), func(a advisory) { got = append(got, a) }); err != nil {
		t.Fatal(err)
	}
	want := []advisory{
		{ID: "RHSA-2026:1234", Type: "security", Issued: time.Date(2026, 7, 2, 10, 15, 0, 0, time.UTC), Packages: []advisoryPackage{
			{Name: "openssl-libs", Arch: "x86_64", EVR: rpmdb.EVR{Epoch: 1, Version: "3.0.7", Release: "27.el9"}},
			{Name: "openssl", Arch: "x86_64", EVR: rpmdb.EVR{Version: "3.0.7", Release: "27.el9"}},
			{Name: "nodejs", Arch: "x86_64", EVR: rpmdb.EVR{Epoch: 1, Version: "18.20.0", Release: "1.module+el9.4.0+200+bbbb"},
				Modules: []moduleRef{{Name: "nodejs", Stream: "18"}}},
		}},
		{ID: "RHBA-2026:1", Type: "bugfix", Issued: time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC)},
		{ID: "RHSA-2026:9", Type: "security"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseUpdateinfo =\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseUpdateinfoErrors(t *testing.T) {
	for _, in := range []string{"<updates><update><id>x</id>", "<updates><update><id>x</ide></update></updates>"} {
		if err := parseUpdateinfo(context.Background(), strings.NewReader(in), func(advisory) {}); err == nil {
			t.Errorf("parseUpdateinfo(%q) succeeded", in)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := "<updates>" + strings.Repeat("<update><id>a</id></update>", 1000) + "</updates>"
	if err := parseUpdateinfo(ctx, strings.NewReader(big), func(advisory) {}); err == nil {
		t.Error("parseUpdateinfo with a cancelled context succeeded")
	}
}

func TestParseIssued(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"2026-07-02 10:15:00", time.Date(2026, 7, 2, 10, 15, 0, 0, time.UTC)},
		{"2026-07-02", time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)},
		{"2026-07-02T10:15:00+02:00", time.Date(2026, 7, 2, 8, 15, 0, 0, time.UTC)},
		{"1785456000", time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC)},
		{"", time.Time{}}, {"0", time.Time{}}, {"-5", time.Time{}}, {"soon", time.Time{}},
	} {
		if got := parseIssued(tt.in); !got.Equal(tt.want) {
			t.Errorf("parseIssued(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseRepomd(t *testing.T) {
	in := `<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <data type="primary"><location href="repodata/abc-primary.xml.gz"/></data>
  <data type="updateinfo"><location href="repodata/../../../etc/shadow"/></data>
  <data type="other"><location href="elsewhere/x.xml"/></data>
  <data type="group"><location href="repodata/comps.xml"/></data>
</repomd>`
	got, err := parseRepomd([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"primary": "repodata/abc-primary.xml.gz", "group": "repodata/comps.xml"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseRepomd = %v, want %v", got, want)
	}
	if _, err := parseRepomd([]byte("<repomd>")); err == nil {
		t.Error("parseRepomd of truncated XML succeeded")
	}
}

func TestIniValue(t *testing.T) {
	conf := "# comment\n[commands]\napply_updates = no\n; other\nupgrade_type: security\n[commands]\napply_updates=yes\n[emitters]\napply_updates = no\n"
	for _, tt := range []struct {
		section, key, want string
		ok                 bool
	}{
		{"commands", "apply_updates", "yes", true},
		{"commands", "upgrade_type", "security", true},
		{"emitters", "apply_updates", "no", true},
		{"base", "debuglevel", "", false},
	} {
		got, ok := iniValue([]byte(conf), tt.section, tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("iniValue(%s, %s) = %q, %v; want %q, %v", tt.section, tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParseUpdateinfo checks that no input makes the updateinfo parser
// panic or pass on an advisory without an id or a package without name,
// version and release.
func FuzzParseUpdateinfo(f *testing.F) {
	f.Add([]byte(updateinfoSample))
	f.Add([]byte("<updates><update type='security'><id>x</id><pkglist><collection><package name='a' version='1' release='1' epoch='4294967296'/></collection></pkglist></update></updates>"))
	f.Add([]byte("<updates><update>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = parseUpdateinfo(context.Background(), bytes.NewReader(b), func(a advisory) {
			if a.ID == "" {
				t.Errorf("advisory without an id from %q", b)
			}
			for _, p := range a.Packages {
				if p.Name == "" || p.EVR.Version == "" || p.EVR.Release == "" {
					t.Errorf("incomplete package %+v from %q", p, b)
				}
			}
		})
		_, _ = parseRepomd(b)
	})
}
