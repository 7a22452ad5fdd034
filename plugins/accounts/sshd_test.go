package accounts

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func TestParseSSHDConfig(t *testing.T) {
	in := "# comment\n\nPort 22\nAuthorizedKeysFile\t.ssh/authorized_keys \"/etc/ssh/keys dir/%u\"\n" +
		"authorizedkeysfile=/x\nInclude = /etc/ssh/sshd_config.d/*.conf # trailing\nMatch User bob\n  Banner 'a b'\nBroken \"quote\n"
	got, errs := parseSSHDConfig([]byte(in))
	want := []sshdDirective{
		{Line: 3, Keyword: "port", Args: []string{"22"}},
		{Line: 4, Keyword: "authorizedkeysfile", Args: []string{".ssh/authorized_keys", "/etc/ssh/keys dir/%u"}},
		{Line: 5, Keyword: "authorizedkeysfile", Args: []string{"/x"}},
		{Line: 6, Keyword: "include", Args: []string{"/etc/ssh/sshd_config.d/*.conf"}},
		{Line: 7, Keyword: "match", Args: []string{"User", "bob"}},
		{Line: 8, Keyword: "banner", Args: []string{"a b"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseSSHDConfig(%q) =\n%+v\nwant\n%+v", in, got, want)
	}
	if lines := errLines(errs); !reflect.DeepEqual(lines, []int{9}) {
		t.Errorf("parseSSHDConfig(%q) errors on lines %v, want [9]", in, lines)
	}
}

func TestSplitSSHDArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a b\tc", []string{"a", "b", "c"}},
		{`"a b" 'c d'`, []string{"a b", "c d"}},
		{`a\ b`, []string{"a b"}},
		{`x"y z"w`, []string{"xy zw"}},
		{`a # comment`, []string{"a"}},
		{`a#b`, []string{"a#b"}},
		{`""`, []string{""}},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := splitSSHDArgs(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitSSHDArgs(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := splitSSHDArgs(`"open`); err == nil {
		t.Errorf("splitSSHDArgs(%q) gave no error", `"open`)
	}
}

func TestAuthorizedKeysPatterns(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		want     []string
		wantWarn int
	}{
		{
			name:  "no sshd_config",
			files: map[string]string{},
			want:  []string{".ssh/authorized_keys", ".ssh/authorized_keys2"},
		},
		{
			name:  "commented default",
			files: map[string]string{"/etc/ssh/sshd_config": "#AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2\n"},
			want:  []string{".ssh/authorized_keys", ".ssh/authorized_keys2"},
		},
		{
			name: "first value wins, includes in lexical order",
			files: map[string]string{
				"/etc/ssh/sshd_config":              "Include sshd_config.d/*.conf\nAuthorizedKeysFile /late\n",
				"/etc/ssh/sshd_config.d/20-b.conf":  "AuthorizedKeysFile /second\n",
				"/etc/ssh/sshd_config.d/10-a.conf":  "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u\n",
				"/etc/ssh/sshd_config.d/05.conf.no": "AuthorizedKeysFile /not-a-conf\n",
				"/etc/ssh/sshd_config.d/.00.conf":   "AuthorizedKeysFile /hidden\n",
			},
			want: []string{".ssh/authorized_keys", "/etc/ssh/keys/%u"},
		},
		{
			name: "match blocks are not global",
			files: map[string]string{
				"/etc/ssh/sshd_config": "Match User backup\n  AuthorizedKeysFile /backup\n  Include /etc/ssh/m.conf\n",
				"/etc/ssh/m.conf":      "AuthorizedKeysFile /m\n",
			},
			want: []string{".ssh/authorized_keys", ".ssh/authorized_keys2"},
		},
		{
			name: "match in an included file ends with that file",
			files: map[string]string{
				"/etc/ssh/sshd_config": "Include /etc/ssh/a.conf\nAuthorizedKeysFile /global\n",
				"/etc/ssh/a.conf":      "Match User x\nAuthorizedKeysFile /matched\n",
			},
			want: []string{"/global"},
		},
		{
			name: "include loop is bounded",
			files: map[string]string{
				"/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config\n",
			},
			want:     []string{".ssh/authorized_keys", ".ssh/authorized_keys2"},
			wantWarn: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w sdk.Warnings
			got := authorizedKeysPatterns(context.Background(), writeRoot(t, tt.files), &w)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("authorizedKeysPatterns = %q, want %q", got, tt.want)
			}
			if len(w) != tt.wantWarn {
				t.Errorf("warnings = %q, want %d", w, tt.wantWarn)
			}
		})
	}
}

func TestExpandKeysPath(t *testing.T) {
	u := passwdEntry{Name: "alice", UID: 1000, Home: "/home/alice"}
	tests := []struct {
		pattern string
		want    string
		wantErr bool
	}{
		{".ssh/authorized_keys", "/home/alice/.ssh/authorized_keys", false},
		{"%h/.ssh/keys", "/home/alice/.ssh/keys", false},
		{"/etc/ssh/keys/%u", "/etc/ssh/keys/alice", false},
		{"/etc/ssh/keys/%U.pub", "/etc/ssh/keys/1000.pub", false},
		{"/etc/100%%/%u", "/etc/100%/alice", false},
		{"keys/../../x", "/home/x", false},
		{"/etc/%C", "", true},
		{"/etc/%", "", true},
	}
	for _, tt := range tests {
		got, err := expandKeysPath(tt.pattern, u)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("expandKeysPath(%q) = %q, %v, want %q (error %v)", tt.pattern, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseSSHDConfig(f *testing.F) {
	f.Add([]byte("AuthorizedKeysFile .ssh/a \"b c\"\nInclude=/x/*.conf\nMatch all\n"))
	f.Add([]byte("a=\n=\n\"\n'\\\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dirs, _ := parseSSHDConfig(data)
		for _, d := range dirs {
			if d.Keyword != strings.ToLower(d.Keyword) {
				t.Errorf("parseSSHDConfig(%q) keyword %q not lower-cased", data, d.Keyword)
			}
		}
	})
}
