package accounts

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func item(v string) sudoItem    { return sudoItem{Value: v} }
func notItem(v string) sudoItem { return sudoItem{Negated: true, Value: v} }

func TestParseSudoers(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     sudoersFile
		wantErrs []int
	}{
		{
			name: "debian default",
			in: "#\n# comment\nDefaults\tenv_reset\nDefaults:deploy !requiretty\nDefaults>root !set_logname\n" +
				"root\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
			want: sudoersFile{
				Specs: []sudoSpec{
					{Line: 6, Users: []sudoItem{item("root")}, Cmnds: []sudoCmnd{{RunAs: "ALL:ALL", Cmnd: item("ALL")}}},
					{Line: 7, Users: []sudoItem{item("%sudo")}, Cmnds: []sudoCmnd{{RunAs: "ALL:ALL", Cmnd: item("ALL")}}},
				},
				Includes: []sudoInclude{{Line: 8, Path: "/etc/sudoers.d", Dir: true}},
			},
		},
		{
			name: "include forms",
			in:   "#includedir /etc/sudoers.d\n#include /etc/sudoers.local\n@include \"/etc/sudo ers\"\n@include rel\\ path # trailing\n#include_not_a_directive\n",
			want: sudoersFile{Includes: []sudoInclude{
				{Line: 1, Path: "/etc/sudoers.d", Dir: true},
				{Line: 2, Path: "/etc/sudoers.local"},
				{Line: 3, Path: "/etc/sudo ers"},
				{Line: 4, Path: "rel path"},
			}},
		},
		{
			name: "continuation keeps first line number",
			in:   "alice ALL = (root) \\\n   /bin/ls, \\\n   /bin/cat\nbob ALL = ALL\n",
			want: sudoersFile{Specs: []sudoSpec{
				{Line: 1, Users: []sudoItem{item("alice")}, Cmnds: []sudoCmnd{{RunAs: "root", Cmnd: item("/bin/ls")}, {RunAs: "root", Cmnd: item("/bin/cat")}}},
				{Line: 4, Users: []sudoItem{item("bob")}, Cmnds: []sudoCmnd{{Cmnd: item("ALL")}}},
			}},
		},
		{
			name: "a comment line is not continued",
			in:   "# comment \\\nbob ALL = ALL\n",
			want: sudoersFile{Specs: []sudoSpec{{Line: 2, Users: []sudoItem{item("bob")}, Cmnds: []sudoCmnd{{Cmnd: item("ALL")}}}}},
		},
		{
			name: "tags and run-as carry over until changed",
			in:   "ops ALL = (root) NOPASSWD: /a, /b, PASSWD: /c, (www-data) /d, NOPASSWD:SETENV: /e\n",
			want: sudoersFile{Specs: []sudoSpec{{Line: 1, Users: []sudoItem{item("ops")}, Cmnds: []sudoCmnd{
				{RunAs: "root", Nopasswd: true, Cmnd: item("/a")},
				{RunAs: "root", Nopasswd: true, Cmnd: item("/b")},
				{RunAs: "root", Cmnd: item("/c")},
				{RunAs: "www-data", Cmnd: item("/d")},
				{RunAs: "www-data", Nopasswd: true, Cmnd: item("/e")},
			}}}},
		},
		{
			name: "host sections reset tags",
			in:   "alice web1 = NOPASSWD: /a : db1, db2 = /b\n",
			want: sudoersFile{Specs: []sudoSpec{{Line: 1, Users: []sudoItem{item("alice")}, Cmnds: []sudoCmnd{
				{Nopasswd: true, Cmnd: item("/a")},
				{Cmnd: item("/b")},
			}}}},
		},
		{
			name: "principals negation ids and quoting",
			in:   "%ops, !dave, #1001, %#27, %:\"Domain Admins\", +net, \"we ird\" ALL = ALL\n#0 ALL = ALL # root by uid\n",
			want: sudoersFile{Specs: []sudoSpec{
				{Line: 1, Users: []sudoItem{item("%ops"), notItem("dave"), item("#1001"), item("%#27"), item("%:Domain Admins"), item("+net"), item("we ird")}, Cmnds: []sudoCmnd{{Cmnd: item("ALL")}}},
				{Line: 2, Users: []sudoItem{item("#0")}, Cmnds: []sudoCmnd{{Cmnd: item("ALL")}}},
			}},
		},
		{
			name: "commands with args escapes digests options and negation",
			in:   "alice ALL = (ALL : ALL) TIMEOUT=5m CWD=* NOPASSWD: /usr/bin/chown root\\:root  /srv, sha256:AbCd+/= /usr/bin/id, !/usr/bin/su, ! ! /bin/x\n",
			want: sudoersFile{Specs: []sudoSpec{{Line: 1, Users: []sudoItem{item("alice")}, Cmnds: []sudoCmnd{
				{RunAs: "ALL:ALL", Nopasswd: true, Cmnd: item("/usr/bin/chown root:root /srv")},
				{RunAs: "ALL:ALL", Nopasswd: true, Cmnd: item("sha256:AbCd+/= /usr/bin/id")},
				{RunAs: "ALL:ALL", Nopasswd: true, Cmnd: notItem("/usr/bin/su")},
				{RunAs: "ALL:ALL", Nopasswd: true, Cmnd: item("/bin/x")},
			}}}},
		},
		{
			name: "aliases",
			in: "User_Alias ADMINS = alice, %wheel : OPS = bob, !dave\nCmnd_Alias SVC = /bin/systemctl restart a, \\\n  /bin/systemctl restart b\n" +
				"Cmd_Alias EVERYTHING = ALL\nRunas_Alias DB = postgres, mysql\nHost_Alias WEB = web1, web2\n",
			want: sudoersFile{Aliases: []sudoAlias{
				{Kind: "User_Alias", Name: "ADMINS", Items: []sudoItem{item("alice"), item("%wheel")}, Line: 1},
				{Kind: "User_Alias", Name: "OPS", Items: []sudoItem{item("bob"), notItem("dave")}, Line: 1},
				{Kind: "Cmnd_Alias", Name: "SVC", Items: []sudoItem{item("/bin/systemctl restart a"), item("/bin/systemctl restart b")}, Line: 2},
				{Kind: "Cmnd_Alias", Name: "EVERYTHING", Items: []sudoItem{item("ALL")}, Line: 4},
				{Kind: "Runas_Alias", Name: "DB", Items: []sudoItem{item("postgres"), item("mysql")}, Line: 5},
				{Kind: "Host_Alias", Name: "WEB", Items: []sudoItem{item("web1"), item("web2")}, Line: 6},
			}},
		},
		{
			name:     "errors skip the line",
			in:       "alice ALL\nbob ALL = (root\ncarol ALL = \nUser_Alias lower = x\nCmnd_Alias X = /a, : \ndave ALL = /bin/ls\n",
			want:     sudoersFile{Specs: []sudoSpec{{Line: 6, Users: []sudoItem{item("dave")}, Cmnds: []sudoCmnd{{Cmnd: item("/bin/ls")}}}}},
			wantErrs: []int{1, 2, 3, 4, 5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := parseSudoers([]byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseSudoers(%q) =\n%+v\nwant\n%+v", tt.in, got, tt.want)
			}
			if lines := errLines(errs); !reflect.DeepEqual(lines, tt.wantErrs) {
				t.Errorf("parseSudoers(%q) errors on lines %v (%v), want %v", tt.in, lines, errs, tt.wantErrs)
			}
		})
	}
}

// sudoDB is the account database the resolution tests use.
func sudoDB(t *testing.T) *accountDB {
	t.Helper()
	users, errs := parsePasswd([]byte(`root:x:0:0::/root:/bin/bash
toor:x:0:0::/root:/bin/sh
alice:x:1000:1000::/home/alice:/bin/bash
bob:x:1001:1001::/home/bob:/bin/bash
carol:x:1002:1002::/home/carol:/bin/bash
dave:x:1003:27::/home/dave:/bin/bash
`))
	if errs != nil {
		t.Fatal(errs)
	}
	groups, errs := parseGroup([]byte("root:x:0:\nwheel:x:10:alice,bob\nsudo:x:27:\nops:x:1100:carol,bob\n"))
	if errs != nil {
		t.Fatal(errs)
	}
	return newAccountDB(users, groups, nil)
}

// resolveText parses and resolves one sudoers file named /etc/sudoers.
func resolveText(t *testing.T, text string) (sudoGrants, sdk.Warnings) {
	t.Helper()
	f, errs := parseSudoers([]byte(text))
	if errs != nil {
		t.Fatalf("parseSudoers(%q): %v", text, errs)
	}
	var w sdk.Warnings
	srcs := []sudoersSource{{Path: "/etc/sudoers", File: f}}
	return newSudoResolver(sudoDB(t), srcs, &w).resolve(srcs), w
}

func TestResolveSudoRules(t *testing.T) {
	type rule struct {
		Principal string
		Users     []string
		All       bool
		Nopasswd  bool
	}
	tests := []struct {
		name     string
		in       string
		rules    []rule
		admin    map[string][]string
		nopasswd []string
		groups   []string
	}{
		{
			name:   "group",
			in:     "%wheel ALL=(ALL:ALL) ALL\n",
			rules:  []rule{{"%wheel", []string{"alice", "bob"}, true, false}},
			admin:  map[string][]string{"alice": {"sudoers:/etc/sudoers:1"}, "bob": {"sudoers:/etc/sudoers:1"}},
			groups: []string{"wheel"},
		},
		{
			name:   "primary gid and gid principal",
			in:     "%#27 ALL = ALL\n",
			rules:  []rule{{"%#27", []string{"dave"}, true, false}},
			admin:  map[string][]string{"dave": {"sudoers:/etc/sudoers:1"}},
			groups: []string{"sudo"},
		},
		{
			name:  "uid principal matches every account with the uid",
			in:    "#0 ALL = ALL\n",
			rules: []rule{{"#0", []string{"root", "toor"}, true, false}},
			admin: map[string][]string{"root": {"sudoers:/etc/sudoers:1"}, "toor": {"sudoers:/etc/sudoers:1"}},
		},
		{
			name:     "user alias with negation, last match wins",
			in:       "User_Alias ADMINS = %ops, !bob, ghost\nADMINS ALL = (root) NOPASSWD: ALL\n",
			rules:    []rule{{"ADMINS", []string{"carol", "ghost"}, true, true}},
			admin:    map[string][]string{"carol": {"sudoers:/etc/sudoers:2"}, "ghost": {"sudoers:/etc/sudoers:2"}},
			nopasswd: []string{"carol", "ghost"},
			groups:   []string{"ops"},
		},
		{
			name:  "negated principal in the user list",
			in:    "ALL, !%wheel ALL = /usr/bin/uptime\n",
			rules: []rule{{"ALL", []string{"carol", "dave", "root", "toor"}, false, false}},
		},
		{
			name:   "negation before the positive member does not exclude",
			in:     "!bob, %wheel ALL = ALL\n",
			rules:  []rule{{"%wheel", []string{"alice", "bob"}, true, false}},
			admin:  map[string][]string{"alice": {"sudoers:/etc/sudoers:1"}, "bob": {"sudoers:/etc/sudoers:1"}},
			groups: []string{"wheel"},
		},
		{
			name:  "non-unix group and netgroup cannot be resolved and never exclude",
			in:    "%:admins, +netadmins ALL = ALL\nalice, !%:contractors ALL = ALL\n",
			rules: []rule{{"%:admins", []string{}, true, false}, {"+netadmins", []string{}, true, false}, {"alice", []string{"alice"}, true, false}},
			admin: map[string][]string{"alice": {"sudoers:/etc/sudoers:2"}},
		},
		{
			name:  "command alias to ALL counts as all commands",
			in:    "Cmnd_Alias EVERYTHING = ALL\nCmnd_Alias NESTED = /bin/ls, EVERYTHING\nalice ALL = NESTED\n",
			rules: []rule{{"alice", []string{"alice"}, true, false}},
			admin: map[string][]string{"alice": {"sudoers:/etc/sudoers:3"}},
		},
		{
			name:  "ALL minus commands is still all, !ALL is not",
			in:    "alice ALL = ALL, !/bin/su\nbob ALL = ALL, !ALL\n",
			rules: []rule{{"alice", []string{"alice"}, true, false}, {"bob", []string{"bob"}, false, false}},
			admin: map[string][]string{"alice": {"sudoers:/etc/sudoers:1"}},
		},
		{
			name:     "tags split rules",
			in:       "carol ALL = (root) NOPASSWD: /bin/ls, /bin/cat, PASSWD: ALL\n",
			rules:    []rule{{"carol", []string{"carol"}, false, true}, {"carol", []string{"carol"}, true, false}},
			admin:    map[string][]string{"carol": {"sudoers:/etc/sudoers:1"}},
			nopasswd: []string{"carol"},
		},
		{
			name:  "all commands as another user is not admin",
			in:    "Runas_Alias DBA = postgres, mysql\nRunas_Alias ROOTS = toor\nalice ALL = (postgres) ALL\nbob ALL = (DBA) ALL\ncarol ALL = (:wheel) ALL\ndave ALL = (ROOTS) ALL\n",
			rules: []rule{{"alice", []string{"alice"}, true, false}, {"bob", []string{"bob"}, true, false}, {"carol", []string{"carol"}, true, false}, {"dave", []string{"dave"}, true, false}},
			admin: map[string][]string{"dave": {"sudoers:/etc/sudoers:6"}},
		},
		{
			name:  "run-as lists that may be root",
			in:    "alice ALL = (ALL, !root) ALL\nbob ALL = (%root) ALL\ncarol ALL = (%:unixless) ALL\ndave ALL = (#0:wheel) ALL\n",
			rules: []rule{{"alice", []string{"alice"}, true, false}, {"bob", []string{"bob"}, true, false}, {"carol", []string{"carol"}, true, false}, {"dave", []string{"dave"}, true, false}},
			admin: map[string][]string{"bob": {"sudoers:/etc/sudoers:2"}, "carol": {"sudoers:/etc/sudoers:3"}, "dave": {"sudoers:/etc/sudoers:4"}},
		},
		{
			name:  "alias loop terminates",
			in:    "User_Alias A = B, alice\nUser_Alias B = A\nA ALL = /bin/ls\n",
			rules: []rule{{"A", []string{"alice"}, false, false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := resolveText(t, tt.in)
			var rules []rule
			for _, r := range g.Rules {
				rules = append(rules, rule{r.Principal, r.Users, r.AllCommands, r.Nopasswd})
			}
			if !reflect.DeepEqual(rules, tt.rules) {
				t.Errorf("resolve(%q) rules = %+v, want %+v", tt.in, rules, tt.rules)
			}
			if tt.admin == nil {
				tt.admin = map[string][]string{}
			}
			if !reflect.DeepEqual(g.AdminVia, tt.admin) {
				t.Errorf("resolve(%q) admin = %v, want %v", tt.in, g.AdminVia, tt.admin)
			}
			var nopw []string
			for _, u := range sudoDB(t).names {
				if g.Nopasswd[u] {
					nopw = append(nopw, u)
				}
			}
			if g.Nopasswd["ghost"] {
				nopw = append(nopw, "ghost")
			}
			if !reflect.DeepEqual(nopw, tt.nopasswd) {
				t.Errorf("resolve(%q) nopasswd = %v, want %v", tt.in, nopw, tt.nopasswd)
			}
			if !reflect.DeepEqual(g.Groups, tt.groups) {
				t.Errorf("resolve(%q) groups = %v, want %v", tt.in, g.Groups, tt.groups)
			}
		})
	}
}

func TestResolveDuplicateAlias(t *testing.T) {
	g, w := resolveText(t, "User_Alias A = alice\nUser_Alias A = bob\nA ALL = ALL\n")
	if len(g.Rules) != 1 || !reflect.DeepEqual(g.Rules[0].Users, []string{"alice"}) {
		t.Errorf("duplicate alias rules = %+v, want the first definition (alice)", g.Rules)
	}
	if len(w) != 1 || !strings.Contains(w[0], "already defined") {
		t.Errorf("duplicate alias warnings = %q, want one saying it is already defined", w)
	}
}

// writeRoot creates a host root in a temporary directory from a map of
// host paths to contents.
func writeRoot(t testing.TB, files map[string]string) *hostroot.Root {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

func TestLoadSudoers(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		wantFiles []string
		wantWarn  []string
	}{
		{
			name:      "no sudoers",
			files:     map[string]string{"/etc/hostname": "h\n"},
			wantFiles: nil,
		},
		{
			name: "includedir skips names with a dot or ending in tilde",
			files: map[string]string{
				"/etc/sudoers":               "@includedir /etc/sudoers.d\n",
				"/etc/sudoers.d/b":           "bob ALL = ALL\n",
				"/etc/sudoers.d/a":           "alice ALL = ALL\n",
				"/etc/sudoers.d/c.conf":      "x ALL = ALL\n",
				"/etc/sudoers.d/d~":          "x ALL = ALL\n",
				"/etc/sudoers.d/e.dpkg-old":  "x ALL = ALL\n",
				"/etc/sudoers.d/sub/f":       "x ALL = ALL\n",
				"/etc/sudoers.d/.hidden.swp": "x ALL = ALL\n",
			},
			wantFiles: []string{"/etc/sudoers", "/etc/sudoers.d/a", "/etc/sudoers.d/b"},
		},
		{
			name: "relative includes and %h",
			files: map[string]string{
				"/etc/hostname":      "web1.example.org\n",
				"/etc/sudoers":       "#include sudoers.local\n#includedir missing.d\n",
				"/etc/sudoers.local": "@include hosts/%h\n@include /etc/100%%\n",
				"/etc/hosts/web1":    "alice ALL = ALL\n",
				"/etc/100%":          "bob ALL = ALL\n",
			},
			wantFiles: []string{"/etc/sudoers", "/etc/sudoers.local", "/etc/hosts/web1", "/etc/100%"},
		},
		{
			name: "include loop",
			files: map[string]string{
				"/etc/sudoers":   "#include /etc/sudoers.a\n",
				"/etc/sudoers.a": "#include /etc/sudoers.b\n",
				"/etc/sudoers.b": "#include /etc/sudoers.a\n#include /etc/sudoers\n",
			},
			wantFiles: []string{"/etc/sudoers", "/etc/sudoers.a", "/etc/sudoers.b"},
			wantWarn:  []string{"sudoers: /etc/sudoers.a: include loop", "sudoers: /etc/sudoers: include loop"},
		},
		{
			name: "parse errors name the file and line",
			files: map[string]string{
				"/etc/sudoers": "\nalice ALL\n",
			},
			wantFiles: []string{"/etc/sudoers"},
			wantWarn:  []string{"sudoers: /etc/sudoers:2: "},
		},
		{
			name: "unknown include escape",
			files: map[string]string{
				"/etc/sudoers": "#include /etc/%z\n",
			},
			wantFiles: []string{"/etc/sudoers"},
			wantWarn:  []string{"sudoers: /etc/sudoers:1: cannot expand include path"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeRoot(t, tt.files)
			var w sdk.Warnings
			srcs, _ := loadSudoers(context.Background(), root, &w)
			var files []string
			for _, s := range srcs {
				files = append(files, s.Path)
			}
			if !reflect.DeepEqual(files, tt.wantFiles) {
				t.Errorf("loadSudoers read %v, want %v", files, tt.wantFiles)
			}
			if len(w) != len(tt.wantWarn) {
				t.Fatalf("loadSudoers warnings = %q, want %d starting %q", w, len(tt.wantWarn), tt.wantWarn)
			}
			for i := range w {
				if !strings.HasPrefix(w[i], tt.wantWarn[i]) {
					t.Errorf("warning %d = %q, want prefix %q", i, w[i], tt.wantWarn[i])
				}
			}
		})
	}
}

func TestLoadSudoersDepthLimit(t *testing.T) {
	files := map[string]string{"/etc/sudoers": "#include /etc/s/0\n"}
	for i := range maxSudoersDepth + 5 {
		files["/etc/s/"+strconv.Itoa(i)] = "#include /etc/s/" + strconv.Itoa(i+1) + "\n"
	}
	var w sdk.Warnings
	srcs, _ := loadSudoers(context.Background(), writeRoot(t, files), &w)
	if len(srcs) != maxSudoersDepth+1 {
		t.Errorf("loadSudoers read %d files, want %d (the depth limit)", len(srcs), maxSudoersDepth+1)
	}
	if len(w) != 1 || !strings.Contains(w[0], "nested deeper") {
		t.Errorf("warnings = %q, want one about nesting", w)
	}
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('a'+i/26)) + string(rune('a'+i%26)))
}

func FuzzParseSudoers(f *testing.F) {
	for _, s := range []string{
		"root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
		"User_Alias A = alice, %wheel : B = !bob\nA ALL = (root) NOPASSWD: /bin/ls, PASSWD: ALL : h2 = /x\n",
		"Cmnd_Alias C = sha256:xx /bin/a, \\\n /bin/b\nDefaults:x !y\n#0 ALL = (\"a b\") CWD=* ALL\n",
		"alice ALL = (\n\"unterminated\n\\\n%:\n!!!\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, _ := parseSudoers(data)
		for _, s := range file.Specs {
			if len(s.Users) == 0 || len(s.Cmnds) == 0 {
				t.Errorf("parseSudoers(%q) gave an empty spec %+v", data, s)
			}
		}
		var w sdk.Warnings
		srcs := []sudoersSource{{Path: "/etc/sudoers", File: file}}
		users, _ := parsePasswd([]byte("root:x:0:0::/root:/bin/sh\nalice:x:1:1::/:/bin/sh\n"))
		newSudoResolver(newAccountDB(users, nil, nil), srcs, &w).resolve(srcs)
	})
}
