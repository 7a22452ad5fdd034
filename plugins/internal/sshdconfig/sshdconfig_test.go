package sshdconfig

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	in := "# comment\nPermitRootLogin no\r\nAuthorizedKeysFile=\".ssh/my keys\" .ssh/other # trailing\nPort 22\n=bad\nBanner \"open\n"
	got, problems := Parse([]byte(in))
	want := []Directive{
		{Line: 2, Keyword: "permitrootlogin", Args: []string{"no"}},
		{Line: 3, Keyword: "authorizedkeysfile", Args: []string{".ssh/my keys", ".ssh/other"}},
		{Line: 4, Keyword: "port", Args: []string{"22"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", in, got, want)
	}
	if len(problems) != 2 || problems[0].Line != 5 || problems[1].Line != 6 {
		t.Errorf("Parse(%q) problems = %+v, want lines 5 and 6", in, problems)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("Match User x\n  PasswordAuthentication yes\nInclude /etc/ssh/sshd_config.d/*.conf\n"))
	f.Add([]byte("=\n\\\"\n'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dirs, _ := Parse(data)
		for _, d := range dirs {
			if d.Keyword == "" || d.Line < 1 {
				t.Fatalf("Parse(%q) gave directive %+v", data, d)
			}
		}
	})
}
