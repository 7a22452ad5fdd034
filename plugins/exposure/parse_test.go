package exposure

import (
	"reflect"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// names flattens directives to "name arg arg" strings, blocks in braces.
func names(dirs []directive) string {
	var b strings.Builder
	for _, d := range dirs {
		b.WriteString(strings.Join(append([]string{d.Name}, d.Args...), " "))
		if d.HasBlock {
			b.WriteString(" {" + names(d.Block) + "}")
		}
		b.WriteString(";")
	}
	return b.String()
}

func TestParseNginx(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"", "", false},
		{"# only a comment\n", "", false},
		{"root /srv;", "root /srv;", false},
		{"root '/srv/a b'; # trailing comment\nalias \"/x\\\"y\";", "root /srv/a b;alias /x\"y;", false},
		{"http { server { location /a { autoindex on; } } }", "http {server {location /a {autoindex on;};};};", false},
		{"a#notacomment;", "a#notacomment;", false},
		{"root /srv", "", true},
		{"server { root /srv;", "server {root /srv;};", true},
		{"}", "", true},
		{"root \"/srv;", "", true},
		{"{ root /x; }", "", true},
	}
	for _, tt := range tests {
		got, err := parseNginx([]byte(tt.in))
		if names(got) != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseNginx(%q) = %q, %v; want %q, error %v", tt.in, names(got), err, tt.want, tt.wantErr)
		}
	}
}

func TestParseNginxLines(t *testing.T) {
	got, err := parseNginx([]byte("# c\nserver {\n\n  root\n    /srv;\n}\n"))
	if err != nil || len(got) != 1 || got[0].Line != 2 || got[0].Block[0].Line != 4 {
		t.Errorf("parseNginx lines = %+v, %v; want server on 2, root on 4", got, err)
	}
}

func TestParseNginxDepth(t *testing.T) {
	in := strings.Repeat("a {", maxBlockDepth+5) + strings.Repeat("}", maxBlockDepth+5)
	if _, err := parseNginx([]byte(in)); err == nil {
		t.Errorf("parseNginx(%d nested blocks) succeeded, want a depth error", maxBlockDepth+5)
	}
}

func TestParseApache(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"", "", false},
		{"# comment\n  \nDocumentRoot \"/var/www/a b\"\n", "DocumentRoot /var/www/a b;", false},
		{"Options Indexes \\\n  FollowSymLinks\r\n", "Options Indexes FollowSymLinks;", false},
		{"<Directory /srv>\nOptions +Indexes\n</Directory>", "Directory /srv {Options +Indexes;};", false},
		{"<VirtualHost *:80>\n<IfModule x>\nAlias /a '/b'\n</IfModule>\n</virtualhost>", "VirtualHost *:80 {IfModule x {Alias /a /b;};};", false},
		{"<Directory /srv>\nOptions None\n", "Directory /srv {Options None;};", true},
		{"</Directory>", "", true},
		{"<Directory /srv\n", "", true},
		{"<>", "", true},
	}
	for _, tt := range tests {
		got, err := parseApache([]byte(tt.in))
		if names(got) != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseApache(%q) = %q, %v; want %q, error %v", tt.in, names(got), err, tt.want, tt.wantErr)
		}
	}
}

func TestNginxRoots(t *testing.T) {
	conf := `http {
	autoindex on;
	server { root /a; location /x/ { autoindex off; } }
	server { autoindex off; root /b; location /y/ { autoindex on; } location /z/ { alias /c/; } }
	server { root relative; }
}
stream { server { root /never; } }`
	dirs, err := parseNginx([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	var w sdk.Warnings
	got := nginxRoots(dirs, &w)
	want := []WebRoot{
		{Server: "nginx", Directive: "root", Path: "/a", Location: "/", Line: 3, Listing: true},
		{Server: "nginx", Directive: "root", Path: "/b", Location: "/", Line: 4, Listing: true},
		{Server: "nginx", Directive: "alias", Path: "/c", Location: "/z/", Line: 4, Listing: false},
	}
	if !reflect.DeepEqual(got, want) || len(w) != 1 {
		t.Errorf("nginxRoots = %+v, warnings %v; want %+v and one warning", got, w, want)
	}
}

func TestApacheIndexes(t *testing.T) {
	tests := []struct {
		conf, dir string
		want      bool
	}{
		{"<Directory />\nOptions FollowSymLinks\n</Directory>\n<Directory /var/www/>\nOptions Indexes\n</Directory>", "/var/www/html", true},
		{"<Directory /var/www>\nOptions Indexes\n</Directory>\n<Directory /var/www/html>\nOptions -Indexes\n</Directory>", "/var/www/html", false},
		{"<Directory /var/www/html>\nOptions -Indexes\n</Directory>\n<Directory /var/www>\nOptions All\n</Directory>", "/var/www/html", false},
		{"<Directory /var/*/html>\nOptions +Indexes\n</Directory>", "/var/www/html/sub", true},
		{"<Directory /var/www>\nOptions Indexes\nOptions None\n</Directory>", "/var/www", false},
		{"Options Indexes", "/anything", true},
		{"<Directory /srv>\nOptions Indexes\n</Directory>", "/srv2", false},
		{"<Directory ~ \"/var\">\nOptions Indexes\n</Directory>", "/var", false},
	}
	for _, tt := range tests {
		dirs, err := parseApache([]byte(tt.conf + "\nDocumentRoot " + tt.dir + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		var w sdk.Warnings
		roots := apacheRoots(dirs, &w)
		if len(roots) != 1 || roots[0].Listing != tt.want {
			t.Errorf("apacheRoots(%q) for %s = %+v, want listing %v", tt.conf, tt.dir, roots, tt.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		in        string
		want      options
		wantWarns int
	}{
		{"", options{MaxFiles: DefaultMaxFiles}, 0},
		{"{}", options{MaxFiles: DefaultMaxFiles}, 0},
		{`{"paths": ["/srv/a/", {"path": "/srv/b", "store": "b"}], "max_files": 10}`,
			options{Paths: []declared{{Path: "/srv/a"}, {Path: "/srv/b", Store: "b"}}, MaxFiles: 10}, 0},
		{`{"paths": ["a", "", 3, null, "/x", "/x"]}`, options{Paths: []declared{{Path: "/x"}}, MaxFiles: DefaultMaxFiles}, 5},
		{`{"max_files": -1}`, options{MaxFiles: DefaultMaxFiles}, 1},
		{`{"max_files": 99999999999}`, options{MaxFiles: maxMaxFiles}, 1},
		{`[1]`, options{MaxFiles: DefaultMaxFiles}, 1},
		{`{"paths": "/srv"}`, options{MaxFiles: DefaultMaxFiles}, 1},
	}
	for _, tt := range tests {
		got, warns := parseOptions([]byte(tt.in))
		if !reflect.DeepEqual(got, tt.want) || len(warns) != tt.wantWarns {
			t.Errorf("parseOptions(%q) = %+v, %q; want %+v, %d warnings", tt.in, got, warns, tt.want, tt.wantWarns)
		}
	}
}

func TestParseIDNames(t *testing.T) {
	m := parseIDNames([]byte("# c\nroot:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\nbad:x:zz:0\n\nsvc:x:1001:1001\n"))
	if got := []string{m.name(0), m.name(1001), m.name(42)}; !reflect.DeepEqual(got, []string{"root", "svc", "42"}) {
		t.Errorf("parseIDNames names = %v, want [root svc 42]", got)
	}
}

func TestOverlaps(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"/srv/complaints", "/srv/complaints", true},
		{"/srv/complaints", "/srv/complaints/forms", true},
		{"/srv/complaints/forms", "/srv", true},
		{"/srv/complaints", "/srv/complaints2", false},
		{"/srv/complaints", "/", true},
		{"/srv/a", "/var/www", false},
	}
	for _, tt := range tests {
		if got := overlaps(tt.a, tt.b); got != tt.want {
			t.Errorf("overlaps(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzParseNginx(f *testing.F) {
	f.Add([]byte("http { server { root /srv; location /a/ { alias '/b'; autoindex on; } } }"))
	f.Add([]byte("include \"conf.d/*.conf\"; # c\n}{;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dirs, _ := parseNginx(data)
		var w sdk.Warnings
		for _, r := range nginxRoots(dirs, &w) {
			if !strings.HasPrefix(r.Path, "/") || r.Line < 1 {
				t.Errorf("nginxRoots gave %+v: want an absolute path and a line", r)
			}
		}
	})
}

func FuzzParseApache(f *testing.F) {
	f.Add([]byte("<Directory \"/srv\">\nOptions +Indexes \\\n -FollowSymLinks\n</Directory>\nDocumentRoot /srv/www\nAlias /a /b\n"))
	f.Add([]byte("<VirtualHost *:80>\n</Directory>\n<\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dirs, _ := parseApache(data)
		var w sdk.Warnings
		for _, r := range apacheRoots(dirs, &w) {
			if !strings.HasPrefix(r.Path, "/") || r.Line < 1 {
				t.Errorf("apacheRoots gave %+v: want an absolute path and a line", r)
			}
		}
	})
}

func FuzzParseOptions(f *testing.F) {
	f.Add([]byte(`{"paths": ["/srv/a", {"path": "/srv/b", "store": "b"}], "max_files": 10}`))
	f.Add([]byte(`{"paths": [1, "x"], "max_files": -3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, _ := parseOptions(data)
		if o.MaxFiles < 1 || o.MaxFiles > maxMaxFiles {
			t.Errorf("parseOptions(%q) max_files = %d, want 1..%d", data, o.MaxFiles, maxMaxFiles)
		}
		for _, p := range o.Paths {
			if !strings.HasPrefix(p.Path, "/") {
				t.Errorf("parseOptions(%q) kept relative path %q", data, p.Path)
			}
		}
	})
}
