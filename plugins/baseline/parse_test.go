package baseline

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestParseSSHDConfig(t *testing.T) {
	tests := []struct {
		name, in     string
		want         []directive
		wantProblems int
	}{
		{name: "empty", in: "", want: nil},
		{name: "comments and blanks", in: "# c\n\n   \t\n", want: nil},
		{name: "blank separated", in: "PermitRootLogin no\n", want: []directive{{Line: 1, Keyword: "permitrootlogin", Args: []string{"no"}}}},
		{name: "equals", in: "\nPasswordAuthentication=yes", want: []directive{{Line: 2, Keyword: "passwordauthentication", Args: []string{"yes"}}}},
		{name: "equals with blanks", in: "Port = 2222\r\n", want: []directive{{Line: 1, Keyword: "port", Args: []string{"2222"}}}},
		{name: "quoted and comment", in: `Match User "a b" # tail`, want: []directive{{Line: 1, Keyword: "match", Args: []string{"User", "a b"}}}},
		{name: "escaped blank", in: `Include /etc/ssh/my\ conf`, want: []directive{{Line: 1, Keyword: "include", Args: []string{"/etc/ssh/my conf"}}}},
		{name: "keyword alone", in: "Match", want: []directive{{Line: 1, Keyword: "match"}}},
		{name: "no keyword", in: "= yes\nPort 22", want: []directive{{Line: 2, Keyword: "port", Args: []string{"22"}}}, wantProblems: 1},
		{name: "unterminated quote", in: "Banner \"x\nPort 22", want: []directive{{Line: 2, Keyword: "port", Args: []string{"22"}}}, wantProblems: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := parseSSHDConfig([]byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("directives = %+v, want %+v", got, tt.want)
			}
			if len(problems) != tt.wantProblems {
				t.Errorf("problems = %q, want %d", problems, tt.wantProblems)
			}
		})
	}
}

func FuzzParseSSHDConfig(f *testing.F) {
	for _, s := range []string{"PermitRootLogin no", "Match User \"a b\"\n\tPasswordAuthentication yes", "x=\"", `a \\ \" '#'`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dirs, _ := parseSSHDConfig(b)
		for _, d := range dirs {
			if d.Keyword == "" || d.Keyword != strings.ToLower(d.Keyword) || d.Line < 1 {
				t.Errorf("bad directive %+v", d)
			}
		}
	})
}

func TestSSHDValues(t *testing.T) {
	tests := []struct {
		name    string
		parse   func([]string) (any, error)
		args    []string
		want    any
		wantErr bool
	}{
		{name: "root no", parse: anyOf(parsePermitRootLogin), args: []string{"no"}, want: "no"},
		{name: "root YES", parse: anyOf(parsePermitRootLogin), args: []string{"YES"}, want: "yes"},
		{name: "root without-password", parse: anyOf(parsePermitRootLogin), args: []string{"without-password"}, want: "prohibit-password"},
		{name: "root forced", parse: anyOf(parsePermitRootLogin), args: []string{"forced-commands-only"}, want: "forced-commands-only"},
		{name: "root bad", parse: anyOf(parsePermitRootLogin), args: []string{"maybe"}, wantErr: true},
		{name: "root two", parse: anyOf(parsePermitRootLogin), args: []string{"no", "yes"}, wantErr: true},
		{name: "flag yes", parse: anyOf(parseFlag), args: []string{"yes"}, want: true},
		{name: "flag No", parse: anyOf(parseFlag), args: []string{"No"}, want: false},
		{name: "flag true", parse: anyOf(parseFlag), args: []string{"true"}, wantErr: true},
		{name: "flag none", parse: anyOf(parseFlag), args: nil, wantErr: true},
		{name: "port", parse: anyOf(parsePort), args: []string{"2222"}, want: 2222},
		{name: "port zero", parse: anyOf(parsePort), args: []string{"0"}, wantErr: true},
		{name: "port big", parse: anyOf(parsePort), args: []string{"65536"}, wantErr: true},
		{name: "port word", parse: anyOf(parsePort), args: []string{"ssh"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("= %v, want %v", got, tt.want)
			}
		})
	}
}

// anyOf adapts a value parser to the table's type.
func anyOf[T any](f func([]string) (T, error)) func([]string) (any, error) {
	return func(a []string) (any, error) { v, err := f(a); return v, err }
}

func TestApplyFirstValueWins(t *testing.T) {
	tests := []struct {
		name string
		dirs []directive
		want SSHD
	}{
		{name: "defaults", want: SSHD{PermitRootLogin: "prohibit-password", PasswordAuthentication: true, KbdInteractiveAuthentication: true, Ports: []int{22}}},
		{name: "first wins", dirs: []directive{
			{Keyword: "passwordauthentication", Args: []string{"no"}},
			{Keyword: "passwordauthentication", Args: []string{"yes"}},
			{Keyword: "permitrootlogin", Args: []string{"bogus"}},
			{Keyword: "permitrootlogin", Args: []string{"no"}},
			{Keyword: "challengeresponseauthentication", Args: []string{"no"}},
			{Keyword: "kbdinteractiveauthentication", Args: []string{"yes"}},
			{Keyword: "permitemptypasswords", Args: []string{"yes"}},
			{Keyword: "port", Args: []string{"2222"}},
			{Keyword: "port", Args: []string{"22"}},
			{Keyword: "port", Args: []string{"2222"}},
		}, want: SSHD{PermitRootLogin: "no", PermitEmptyPasswords: true, Ports: []int{2222, 22}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newSSHDState()
			for _, d := range tt.dirs {
				_ = st.apply(d) // invalid values are tested in TestSSHDValues
			}
			got := st.finish()
			tt.want.ConfigFiles, tt.want.MatchOverrides = []string{}, []Override{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("= %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseHexEndpoint(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		wantPort int
		wantErr  bool
	}{
		{in: "0100007F:0277", want: "127.0.0.1", wantPort: 631},
		{in: "00000000:0016", want: "0.0.0.0", wantPort: 22},
		{in: "0500000A:1F90", want: "10.0.0.5", wantPort: 8080},
		{in: "00000000000000000000000001000000:0035", want: "::1", wantPort: 53},
		{in: "00000000000000000000000000000000:0016", want: "::", wantPort: 22},
		{in: "0000000000000000FFFF00000100007F:1538", want: "::ffff:127.0.0.1", wantPort: 5432},
		{in: "B80D0120000000000000000001000000:01BB", want: "2001:db8::1", wantPort: 443},
		{in: "0100007F", wantErr: true},
		{in: "0100007F:16", wantErr: true},
		{in: "0100007:0016", wantErr: true},
		{in: "ZZ00007F:0016", wantErr: true},
		{in: "0100007F:XYZW", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, p, err := parseHexEndpoint(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (a.String() != tt.want || p != tt.wantPort) {
				t.Errorf("= %v, %d; want %s, %d", a, p, tt.want, tt.wantPort)
			}
		})
	}
}

func FuzzParseHexEndpoint(f *testing.F) {
	for _, s := range []string{"0100007F:0277", "00000000000000000000000001000000:0035", ":", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, p, err := parseHexEndpoint(s)
		if err == nil && (!a.IsValid() || p < 0 || p > 65535) {
			t.Errorf("%q: %v, %d without error", s, a, p)
		}
	})
}

const tcpHeader = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

func TestParseProcNet(t *testing.T) {
	tests := []struct {
		name, in, proto string
		want            []procSocket
		wantProblems    int
	}{
		{name: "header only", in: tcpHeader, proto: "tcp"},
		{name: "listen and established", proto: "tcp", in: tcpHeader +
			"   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0 100 0 0 10 0\n" +
			"   1: 0500000A:0016 0200000A:D431 01 00000000:00000000 02:0006FB3B 00000000     0        0 12 4 0 20 4 29 10 -1\n",
			want: []procSocket{{Protocol: "tcp", Addr: netip.MustParseAddr("0.0.0.0"), Port: 22, Inode: 11}}},
		{name: "udp bound, connected and unbound", proto: "udp", in: tcpHeader +
			"  1: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 21 2 0 0\n" +
			"  2: 0500000A:A000 08080808:0035 01 00000000:00000000 00:00000000 00000000  1000        0 22 2 0 0\n" +
			"  3: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 23 2 0 0\n",
			want: []procSocket{{Protocol: "udp", Addr: netip.MustParseAddr("127.0.0.53"), Port: 53, Inode: 21}}},
		{name: "tcp state 07 is not listening", proto: "tcp", in: tcpHeader +
			"  1: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 21 2 0 0\n"},
		{name: "bad lines", proto: "tcp", in: tcpHeader +
			"   0: 00000000:0016 00000000:0000 0A\n" +
			"   1: 0000000G:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1\n" +
			"   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 x 1\n",
			wantProblems: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := parseProcNet([]byte(tt.in), tt.proto)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("= %+v, want %+v", got, tt.want)
			}
			if len(problems) != tt.wantProblems {
				t.Errorf("problems = %q, want %d", problems, tt.wantProblems)
			}
		})
	}
}

func FuzzParseProcNet(f *testing.F) {
	f.Add([]byte(tcpHeader+"   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1\n"), true)
	f.Add([]byte("x\n1 2 3"), false)
	f.Fuzz(func(t *testing.T, b []byte, tcp bool) {
		proto := "udp"
		if tcp {
			proto = "tcp"
		}
		socks, _ := parseProcNet(b, proto)
		for _, s := range socks {
			if s.Protocol != proto || s.Port < 1 || s.Port > 65535 || !s.Addr.IsValid() {
				t.Errorf("bad socket %+v", s)
			}
		}
	})
}

func TestParseSocketLink(t *testing.T) {
	tests := []struct {
		in     string
		want   uint64
		wantOK bool
	}{
		{in: "socket:[12345]", want: 12345, wantOK: true},
		{in: "pipe:[12345]"},
		{in: "socket:[]"},
		{in: "socket:[12"},
		{in: "/dev/null"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseSocketLink(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("= %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzParseSocketLink(f *testing.F) {
	f.Add("socket:[1]")
	f.Add("anon_inode:[eventpoll]")
	f.Fuzz(func(t *testing.T, s string) {
		if _, ok := parseSocketLink(s); ok && !strings.HasPrefix(s, "socket:[") {
			t.Errorf("%q accepted", s)
		}
	})
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name, in string
		wantWarn bool
	}{
		{name: "none", in: ""},
		{name: "empty object", in: " {} "},
		{name: "null", in: "null"},
		{name: "unknown field", in: `{"allowed_ports":[22]}`, wantWarn: true},
		{name: "not an object", in: `[1]`, wantWarn: true},
		{name: "trailing data", in: `{} {}`, wantWarn: true},
		{name: "broken", in: `{`, wantWarn: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, warns := parseOptions(json.RawMessage(tt.in))
			if (len(warns) > 0) != tt.wantWarn {
				t.Errorf("warnings = %q, want some: %v", warns, tt.wantWarn)
			}
		})
	}
}

func FuzzParseOptions(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"x":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, warns := parseOptions(b)
		for _, w := range warns {
			if !strings.HasPrefix(w, "options: ") {
				t.Errorf("warning %q does not name the options", w)
			}
		}
	})
}
