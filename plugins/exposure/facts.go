package exposure

// Namespace is where the exposure facts appear in the facts document.
const Namespace = "exposure"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "exposure" namespace: whether the personal-data paths
// declared for this host can be read by anyone on the host or through a
// web server.
type Facts struct {
	// Paths are the declared personal-data paths, as checked.
	Paths []Path `json:"paths"`
	// WebServers are the web servers found (nginx, Apache) and the
	// directories they serve.
	WebServers []WebServer `json:"web_servers"`
}

// Path is one declared personal-data path.
type Path struct {
	// Path is the absolute path as declared, e.g. "/srv/complaints".
	Path string `json:"path"`
	// Store is the ID of the data store it was declared for
	// (data.org.data_stores[].id); empty when declared without one.
	Store string `json:"store"`
	// Exists is false when nothing is at the path.
	Exists bool `json:"exists"`
	// Mode is the permission bits of the path itself in octal, e.g.
	// "0750"; empty when it does not exist.
	Mode string `json:"mode"`
	// Owner is the owning user's name (or numeric UID when unnamed).
	Owner string `json:"owner"`
	// Group is the owning group's name (or numeric GID when unnamed).
	Group string `json:"group"`
	// Entries is how many files and directories were checked, the path
	// itself included.
	Entries int `json:"entries"`
	// WorldReadable is how many of them any local user can read: others
	// may read the file (list the directory) and search every directory
	// above it.
	WorldReadable int `json:"world_readable"`
	// WorldWritable is how many of them any local user can modify.
	WorldWritable int `json:"world_writable"`
	// Examples are up to 10 of the world-readable or world-writable
	// entries, as absolute paths.
	Examples []string `json:"examples"`
	// Truncated is true when the walk stopped at its entry limit, so the
	// counts are lower bounds.
	Truncated bool `json:"truncated"`
	// ServedBy lists the web-server roots and aliases that serve the path
	// or a part of it.
	ServedBy []WebRoot `json:"served_by"`
}

// WebServer is one web server's configuration.
type WebServer struct {
	// Name is "nginx" or "apache".
	Name string `json:"name"`
	// ConfigFiles are the configuration files read.
	ConfigFiles []string `json:"config_files"`
	// Roots are the directories it serves.
	Roots []WebRoot `json:"roots"`
	// Unread are its configuration files that exist but could not be
	// read in full (unreadable, a link to nothing, not a regular file, or
	// with a part that does not parse); when not empty, Roots may miss
	// some, so what it serves is not fully known.
	Unread []string `json:"unread,omitempty"`
}

// WebRoot is one directory a web server serves.
type WebRoot struct {
	// Server is "nginx" or "apache".
	Server string `json:"server"`
	// Directive is the directive that serves it: "root" or "alias"
	// (nginx), "DocumentRoot" or "Alias" (Apache).
	Directive string `json:"directive"`
	// Path is the file-system directory served.
	Path string `json:"path"`
	// Location is the URL path it is served at ("/" for a document root);
	// empty when unknown.
	Location string `json:"location"`
	// File is the configuration file holding the directive.
	File string `json:"file"`
	// Line is the directive's line number in File (from 1).
	Line int `json:"line"`
	// Listing is true when directory listing is on for it (nginx
	// autoindex on, Apache Options Indexes).
	Listing bool `json:"listing"`
}
