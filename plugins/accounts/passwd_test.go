package accounts

import (
	"reflect"
	"testing"
)

func TestParsePasswd(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []passwdEntry
		wantErrs []int // lines with errors
	}{
		{
			name: "debian",
			in:   "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
			want: []passwdEntry{
				{Name: "root", Passwd: "x", UID: 0, GID: 0, Home: "/root", Shell: "/bin/bash", Line: 1},
				{Name: "nobody", Passwd: "x", UID: 65534, GID: 65534, Home: "/nonexistent", Shell: "/usr/sbin/nologin", Line: 2},
			},
		},
		{
			name: "comments blanks nis and crlf",
			in:   "# comment\n\n+@netgroup::::::\n-baduser::::::\napp:x:1000:1000::/home/app:\r\n",
			want: []passwdEntry{{Name: "app", Passwd: "x", UID: 1000, GID: 1000, Home: "/home/app", Shell: "", Line: 5}},
		},
		{
			name:     "malformed lines are skipped",
			in:       "short:x:1\nneg:x:-1:0::/:/bin/sh\nbig:x:4294967296:0::/:/bin/sh\n:x:5:5::/:/bin/sh\nok:x:4294967295:7::/:/bin/sh",
			want:     []passwdEntry{{Name: "ok", Passwd: "x", UID: 4294967295, GID: 7, Home: "/", Shell: "/bin/sh", Line: 5}},
			wantErrs: []int{1, 2, 3, 4},
		},
		{
			name: "duplicate uid 0 kept",
			in:   "root:x:0:0::/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n",
			want: []passwdEntry{
				{Name: "root", Passwd: "x", Home: "/root", Shell: "/bin/bash", Line: 1},
				{Name: "toor", Passwd: "x", Home: "/root", Shell: "/bin/sh", Line: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := parsePasswd([]byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parsePasswd(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if lines := errLines(errs); !reflect.DeepEqual(lines, tt.wantErrs) {
				t.Errorf("parsePasswd(%q) errors on lines %v (%v), want %v", tt.in, lines, errs, tt.wantErrs)
			}
		})
	}
}

// errLines returns the line numbers of errs, nil when there are none.
func errLines(errs []lineError) []int {
	var out []int
	for _, e := range errs {
		out = append(out, e.Line)
	}
	return out
}

func TestInteractiveShell(t *testing.T) {
	tests := []struct {
		shell string
		want  bool
	}{
		{"/bin/bash", true},
		{"/bin/sh", true},
		{"", true},
		{"/usr/bin/zsh", true},
		{"/usr/sbin/nologin", false},
		{"/sbin/nologin", false},
		{"/usr/bin/nologin", false},
		{"/bin/false", false},
		{"/usr/bin/false", false},
		{"/bin/sync", false},
		{"/sbin/shutdown", false},
		{"/sbin/halt", false},
		{"/dev/null", false},
		{" /usr/sbin/nologin ", false},
	}
	for _, tt := range tests {
		if got := interactiveShell(tt.shell); got != tt.want {
			t.Errorf("interactiveShell(%q) = %v, want %v", tt.shell, got, tt.want)
		}
	}
}

func FuzzParsePasswd(f *testing.F) {
	f.Add([]byte("root:x:0:0:root:/root:/bin/bash\n"))
	f.Add([]byte("+::::::\n:::::::\nx:x:99999999999:0::/:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _ := parsePasswd(data)
		for _, e := range entries {
			if e.Name == "" || e.UID < 0 || e.GID < 0 {
				t.Errorf("parsePasswd(%q) gave invalid entry %+v", data, e)
			}
		}
	})
}
