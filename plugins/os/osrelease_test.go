package osinfo

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// formatOSRelease writes vars as os-release assignments, double-quoting
// every value and escaping what os-release(5) says must be escaped.
func formatOSRelease(vars map[string]string) []byte {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		b.WriteString(k + "=\"")
		for _, c := range vars[k] {
			if strings.ContainsRune("\"\\`$", c) {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		b.WriteString("\"\n")
	}
	return []byte(b.String())
}

func TestParseOSRelease(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"unquoted", "ID=debian\nVERSION_ID=12\n", map[string]string{"ID": "debian", "VERSION_ID": "12"}},
		{"double quoted with spaces", `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"`, map[string]string{"PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)"}},
		{"single quoted is literal", `A='x \" $y \\ z'`, map[string]string{"A": `x \" $y \\ z`}},
		{"double quote escapes", `A="a \"b\" \$c \\d \` + "`" + `e\n"`, map[string]string{"A": "a \"b\" $c \\d `e\\n"}},
		{"unquoted escapes", `A=a\ b\"c\\`, map[string]string{"A": `a b"c\`}},
		{"comments and blank lines", "# comment\n\n  # indented comment\n; also a comment\nID=alpine\n", map[string]string{"ID": "alpine"}},
		{"hash inside value is not a comment", "A=x#y\nB=\"p # q\"\n", map[string]string{"A": "x#y", "B": "p # q"}},
		{"no trailing newline", "ID=rhel", map[string]string{"ID": "rhel"}},
		{"crlf line ends", "ID=ubuntu\r\nNAME=\"Ubuntu\"\r\n", map[string]string{"ID": "ubuntu", "NAME": "Ubuntu"}},
		{"blanks around key and value", "  ID =  fedora  \n", map[string]string{"ID": "fedora"}},
		{"empty value", "VARIANT=\nVARIANT_ID=\"\"\n", map[string]string{"VARIANT": "", "VARIANT_ID": ""}},
		{"last assignment wins", "ID=a\nID=b\n", map[string]string{"ID": "b"}},
		{"invalid names ignored", "1ID=x\nMY-KEY=y\nFOO BAR=z\n=v\nOK=1\n", map[string]string{"OK": "1"}},
		{"line without equals ignored", "garbage line\nID=arch\n", map[string]string{"ID": "arch"}},
		{"quoted value spanning lines", "A=\"one\ntwo\"\nB=3\n", map[string]string{"A": "one\ntwo", "B": "3"}},
		{"continuation in double quotes", "A=\"one \\\ntwo\"\n", map[string]string{"A": "one two"}},
		{"continuation unquoted", "A=one\\\ntwo\n", map[string]string{"A": "onetwo"}},
		{"unterminated quote dropped", "ID=debian\nNAME=\"Debian\n", map[string]string{"ID": "debian"}},
		{"concatenated quotes", `A="a"'b'c`, map[string]string{"A": "abc"}},
		{"lower-case names kept", "id=x\n", map[string]string{"id": "x"}},
		{"utf-8 kept", "NAME=\"Ubuntu Ünïcode\"\n", map[string]string{"NAME": "Ubuntu Ünïcode"}},
		{"invalid utf-8 replaced", "NAME=\"a\xffb\"\n", map[string]string{"NAME": "a\uFFFDb"}},
		{"comment continuation", "# one \\\nID=hidden\nID=shown\n", map[string]string{"ID": "shown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseOSRelease([]byte(tt.in))
			if !maps.Equal(got, tt.want) {
				t.Errorf("parseOSRelease(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestIdentityOf(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want identity
	}{
		{
			"lower-cases ID and ID_LIKE",
			map[string]string{"ID": "Rocky", "ID_LIKE": "RHEL  centos\tfedora", "NAME": "Rocky Linux", "PRETTY_NAME": "Rocky Linux 9.6", "VERSION_ID": "9.6", "VERSION": "9.6 (Blue Onyx)"},
			identity{ID: "rocky", IDLike: []string{"rhel", "centos", "fedora"}, Name: "Rocky Linux", PrettyName: "Rocky Linux 9.6", VersionID: "9.6", Version: "9.6 (Blue Onyx)"},
		},
		{
			"os-release(5) defaults",
			map[string]string{"VERSION_CODENAME": "forky"},
			identity{ID: "linux", IDLike: []string{}, Name: "Linux", PrettyName: "Linux", VersionCodename: "forky"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := identityOf(tt.vars)
			if got.ID != tt.want.ID || !slices.Equal(got.IDLike, tt.want.IDLike) || got.Name != tt.want.Name ||
				got.PrettyName != tt.want.PrettyName || got.VersionID != tt.want.VersionID ||
				got.Version != tt.want.Version || got.VersionCodename != tt.want.VersionCodename {
				t.Errorf("identityOf(%v) = %+v, want %+v", tt.vars, got, tt.want)
			}
			if got.IDLike == nil {
				t.Errorf("identityOf(%v).IDLike = nil, want a non-nil slice", tt.vars)
			}
		})
	}
}

func FuzzParseOSRelease(f *testing.F) {
	seeds := []string{
		"",
		"ID=debian\nVERSION_ID=\"12\"\n",
		`PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"`,
		"A='single' B\n",
		"A=\"esc \\\" \\$ \\` \\\\ \\x\"\n",
		"A=unquoted\\ value\\\n",
		"# comment \\\n;x\n",
		"A=\"unterminated\n",
		"\r\n\t=\n",
		"NAME=\"a\xffb\"\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := parseOSRelease(b)
		for k, v := range got {
			if !validName(k) {
				t.Errorf("parseOSRelease(%q) has invalid name %q", b, k)
			}
			if !utf8.ValidString(v) {
				t.Errorf("parseOSRelease(%q)[%q] = %q, not valid UTF-8", b, k, v)
			}
		}
		// Writing the variables back in os-release syntax and parsing
		// that must give the same variables.
		if again := parseOSRelease(formatOSRelease(got)); !maps.Equal(got, again) {
			t.Errorf("parseOSRelease(formatOSRelease(%v)) = %v, want the same", got, again)
		}
		id := identityOf(got)
		if id.ID == "" || id.IDLike == nil {
			t.Errorf("identityOf(parseOSRelease(%q)) = %+v, want a non-empty ID and non-nil IDLike", b, id)
		}
	})
}
