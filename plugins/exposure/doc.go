// Package exposure is the "exposure" collector: whether the personal-data
// paths declared for the host can be read or modified by every local user,
// or are served by a web server. Its facts feed ICO-SEC-05 (personal data
// not publicly exposed); their JSON Schema is schemas/exposure.schema.json.
//
// Sources, all read through hostroot:
//
//   - each declared path: its mode, owner and group (named from
//     /etc/passwd and /etc/group), then a walk below it, bounded by
//     max_files, that never follows a symlink. An entry counts as
//     world-readable (writable) when others may read (write) it and
//     search every directory above it, from "/" down;
//   - nginx: /etc/nginx/nginx.conf and the files its include directives
//     name (globs, relative to /etc/nginx), for root and alias with the
//     location they serve and whether autoindex is on;
//   - Apache: /etc/apache2/apache2.conf or /etc/httpd/conf/httpd.conf and
//     their Include and IncludeOptional files (relative to /etc/apache2 or
//     /etc/httpd), for DocumentRoot and Alias, with Options Indexes merged
//     from the server options and the <Directory> sections at or above
//     each directory served.
//
// A declared path is served when a root or alias is at, above or below it,
// comparing paths as written and with symlinks resolved inside the host
// root. Include loops, nesting (16 includes, 64 blocks) and the number of
// files (512 per server) are bounded. A missing web server or path is a
// fact, not an error; bad options, unreadable files and configuration
// syntax errors add warnings. Roots and aliases containing variables or
// relative paths are reported in warnings, not checked.
//
// Options (a JSON object; an unknown key, such as a misspelt option, is a
// warning and the options are ignored):
//
//	{"paths": ["/srv/complaints", {"path": "/srv/hr", "store": "hr"}], "max_files": 100000}
//
// paths are the absolute personal-data paths on this host, each a string or
// an object naming the data store (data.org.data_stores[].id) it belongs to;
// relative, malformed and duplicate entries are skipped with a warning.
// max_files (default 100000, at most 10000000) is the entry limit of each
// path's walk; when it is reached the path is marked truncated.
package exposure
