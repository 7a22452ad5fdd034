//go:build unix

package state

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// DefaultDir is the state directory when none is configured.
const DefaultDir = "/var/lib/auditfleet/agent"

// agentUID is the user the agent runs as; tests replace it to stand for
// another user.
var agentUID = os.Geteuid

// checkPrivate refuses a file that group or others may access, or that
// another user owns: the credentials hold the host token, with which
// anyone could submit reports in this host's name, and the server URL,
// which whoever could write the file could point at their own server.
func checkPrivate(path string, fi os.FileInfo) error {
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s is accessible to group or others (mode %04o) and holds secrets: refusing to use it; run chmod 600 %s and, if others may have read it, enroll again to replace the token", path, perm, path)
	}
	if uid, ok := owner(fi); ok && uid != agentUID() {
		return fmt.Errorf("%s is owned by %s, not by %s that the agent runs as (mode %04o): whoever owns it can replace the token and the server it names; refusing to use it. Check its contents, then run chown %d %s, or enroll again", path, describeUID(uid), describeUID(agentUID()), fi.Mode().Perm(), agentUID(), path)
	}
	return nil
}

// checkDir refuses a state directory that another user owns or that group
// or others may write, and one inside a directory that a user other than
// root and the agent's owns or may write without the sticky bit: whoever
// can write the state directory or replace it can put credentials there
// that send this host's reports to their own server.
func checkDir(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("state directory %s: not a directory", path)
	}
	me := agentUID()
	uid, ok := owner(fi)
	if ok && uid != me {
		return fmt.Errorf("state directory %s is owned by %s, not by %s that the agent runs as (mode %04o): its owner can replace the credentials in it; refusing to use it. Run chown %d %s && chmod 700 %s, and enroll again if it may have been changed", path, describeUID(uid), describeUID(me), fi.Mode().Perm(), me, path, path)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("state directory %s is writable by group or others (mode %04o, owner %s): they can replace the credentials in it; refusing to use it. Run chmod 700 %s, and enroll again if it may have been changed", path, perm, describeUID(uid), path)
	}
	seen := map[string]bool{}
	for _, p := range append(ancestors(abs), ancestors(real)...) {
		if seen[p] {
			continue
		}
		seen[p] = true
		if err := checkAncestor(path, p, me); err != nil {
			return err
		}
	}
	if abs != real {
		// abs itself is a link: whoever owns it could point it elsewhere.
		if err := checkAncestor(path, abs, me); err != nil {
			return err
		}
	}
	return nil
}

// checkAncestor checks one directory (or link) on the way to the state
// directory path.
func checkAncestor(path, p string, me int) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("state directory %s: %w", path, err)
	}
	uid, ok := owner(fi)
	if ok && uid != 0 && uid != me {
		return fmt.Errorf("state directory %s: %s on its path is owned by %s, not root or %s that the agent runs as (mode %04o): its owner can replace the state directory; refusing to use it. Move the state directory (state_dir, --state-dir) or run chown root %s", path, p, describeUID(uid), describeUID(me), fi.Mode().Perm(), p)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil // a link's own mode bits mean nothing
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 && fi.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("state directory %s: %s on its path is writable by group or others (mode %04o, owner %s) without the sticky bit: they can replace the state directory; refusing to use it. Run chmod go-w %s or move the state directory (state_dir, --state-dir)", path, p, perm, describeUID(uid), p)
	}
	return nil
}

// ancestors returns the directories above the absolute path p, nearest
// first, up to the root.
func ancestors(p string) []string {
	var out []string
	for {
		parent := filepath.Dir(p)
		if parent == p {
			return out
		}
		out = append(out, parent)
		p = parent
	}
}

// owner returns the uid that owns fi.
func owner(fi os.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// describeUID names a uid with its user name where there is one.
func describeUID(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("uid %d (%s)", uid, u.Username)
	}
	return fmt.Sprintf("uid %d", uid)
}
