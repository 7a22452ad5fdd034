package backups

import (
	"net"
	"net/url"
	"strings"
)

// RedactURL removes any password from a repository location, so that it
// can appear in facts, evidence and logs: "rest:https://u:secret@h/" gives
// "rest:https://u@h/".
func RedactURL(repo string) string {
	i := strings.Index(repo, "://")
	if i < 0 {
		return repo
	}
	rest := repo[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return repo
	}
	user, _, _ := strings.Cut(authority[:at], ":")
	return repo[:i+3] + user + authority[at:] + rest[end:]
}

// localPath returns the path of a repository on this host ("/srv/restic",
// restic's "local:/srv/restic"); ok is false for a remote one.
func localPath(repo string) (string, bool) {
	p := strings.TrimPrefix(repo, "local:")
	if strings.HasPrefix(p, "/") {
		return p, true
	}
	return "", false
}

// remoteHost returns the host a remote repository location names, or ""
// when it names none that can be read (a cloud bucket is off the host all
// the same).
func remoteHost(repo string) string {
	loc := repo
	for _, scheme := range []string{"sftp:", "rest:", "s3:", "swift:", "b2:", "azure:", "gs:", "rclone:"} {
		loc = strings.TrimPrefix(loc, scheme)
	}
	if u, err := url.Parse(loc); err == nil && u.Host != "" {
		return u.Hostname()
	}
	// scp-like "user@host:path" (borg, restic sftp).
	if h, _, ok := strings.Cut(loc, ":"); ok {
		if _, after, ok := strings.Cut(h, "@"); ok {
			return after
		}
		return h
	}
	return ""
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
