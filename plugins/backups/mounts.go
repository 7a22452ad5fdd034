package backups

import (
	"bufio"
	"bytes"
	"path"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
)

// networkFS are the file system types whose data lives on another machine.
var networkFS = map[string]bool{
	"nfs": true, "nfs4": true, "cifs": true, "smb3": true, "smbfs": true, "fuse.sshfs": true,
	"ceph": true, "fuse.ceph": true, "glusterfs": true, "fuse.glusterfs": true, "fuse.s3fs": true,
	"fuse.rclone": true, "9p": false, "afs": true, "lustre": true, "fuse.gcsfuse": true,
}

// mountTable maps mount points to file system types.
type mountTable struct {
	// source is the file the table was read from.
	source string
	points map[string]string
}

// readMounts reads the host's mount table: the init process's mountinfo
// when the host's /proc is under the root, else /proc/mounts, else the
// mounts declared in /etc/fstab. ok is false when none is readable.
func readMounts(root *hostroot.Root) (mountTable, bool) {
	for _, src := range []struct {
		name  string
		parse func([]byte) map[string]string
	}{
		{"/proc/1/mountinfo", parseMountinfo},
		{"/proc/self/mountinfo", parseMountinfo},
		{"/proc/mounts", parseFstab},
		{"/etc/fstab", parseFstab},
	} {
		b, err := root.ReadFile(src.name, 16<<20)
		if err != nil {
			continue
		}
		if m := src.parse(b); len(m) > 0 {
			return mountTable{source: src.name, points: m}, true
		}
	}
	return mountTable{}, false
}

// parseMountinfo reads /proc/<pid>/mountinfo: field 5 is the mount point
// and the file system type follows the "-" separator.
func parseMountinfo(b []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		for i, v := range f {
			if v == "-" && i >= 5 && i+1 < len(f) {
				m[unescapeMount(f[4])] = f[i+1]
				break
			}
		}
	}
	return m
}

// parseFstab reads /proc/mounts or /etc/fstab: device, mount point, type.
func parseFstab(b []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 3 && strings.HasPrefix(f[1], "/") {
			m[unescapeMount(f[1])] = f[2]
		}
	}
	return m
}

// unescapeMount undoes the octal escapes of spaces, tabs and newlines in
// mount points.
func unescapeMount(s string) string {
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}

// fsType returns the type of the file system holding p: the longest
// mount point that is p or a parent of it.
func (t mountTable) fsType(p string) string {
	for dir := path.Clean(p); ; dir = path.Dir(dir) {
		if fs, ok := t.points[dir]; ok {
			return fs
		}
		if dir == "/" {
			return ""
		}
	}
}

// offHost reports whether p is on a network file system; null when the
// mount table is unknown.
func (t mountTable) offHost(p string) *bool {
	if t.points == nil {
		return nil
	}
	return ptr(networkFS[t.fsType(p)])
}

func ptr[T any](v T) *T { return &v }
