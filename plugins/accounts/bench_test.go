package accounts

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// benchUsers is how many accounts the benchmark host has.
const benchUsers = 300

// makeBenchRoot writes a host root with benchUsers accounts, sudoers,
// keys and every login source.
func makeBenchRoot(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	write := func(p, content string) {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	key := pubKey(b, "alice-ed25519")
	var passwd, shadow, group, sudoMembers strings.Builder
	passwd.WriteString("root:x:0:0:root:/root:/bin/bash\n")
	shadow.WriteString("root:*:19800:0:99999:7:::\n")
	group.WriteString("root:x:0:\n")
	for i := range benchUsers {
		name, uid := fmt.Sprintf("user%03d", i), 1000+i
		fmt.Fprintf(&passwd, "%s:x:%d:%d:User %d:/home/%s:/bin/bash\n", name, uid, uid, i, name)
		fmt.Fprintf(&shadow, "%s:$y$j9T$salt$hash%d:19800:0:99999:7:::\n", name, i)
		fmt.Fprintf(&group, "%s:x:%d:\n", name, uid)
		if i%10 == 0 {
			if sudoMembers.Len() > 0 {
				sudoMembers.WriteByte(',')
			}
			sudoMembers.WriteString(name)
		}
		if i%3 == 0 {
			write("home/"+name+"/.ssh/authorized_keys", "# keys\n"+key+"\n"+key+"\n")
		}
	}
	fmt.Fprintf(&group, "sudo:x:27:%s\n", sudoMembers.String())
	write("etc/passwd", passwd.String())
	write("etc/shadow", shadow.String())
	write("etc/group", group.String())
	write("etc/sudoers", "Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n"+
		"User_Alias OPS = user001, user002, %user003\nOPS ALL=(root) NOPASSWD: /usr/bin/systemctl, /usr/bin/journalctl\n@includedir /etc/sudoers.d\n")
	write("etc/sudoers.d/extra", "user004 ALL=(ALL) NOPASSWD: ALL\n")
	write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n")

	// lastlog: a record for every other user.
	ll := make([]byte, (1000+benchUsers)*lastlogRecordSize)
	for i := 0; i < benchUsers; i += 2 {
		off := (1000 + i) * lastlogRecordSize
		binary.LittleEndian.PutUint32(ll[off:], uint32(1700000000+i))
		copy(ll[off+4:], "pts/0")
	}
	write("var/log/lastlog", string(ll))
	// wtmp: 20 logins and logouts per user.
	rec := make([]byte, utmpRecordSize)
	var wtmp strings.Builder
	for n := range 20 * benchUsers {
		clear(rec)
		binary.LittleEndian.PutUint16(rec[0:], utUserProcess)
		copy(rec[8:], "pts/1")
		copy(rec[44:], fmt.Sprintf("user%03d", n%benchUsers))
		copy(rec[76:], "192.0.2.1")
		binary.LittleEndian.PutUint32(rec[340:], uint32(1700000000+n))
		wtmp.Write(rec)
		binary.LittleEndian.PutUint16(rec[0:], 8)
		wtmp.Write(rec)
	}
	write("var/log/wtmp", wtmp.String())

	var ll2, wdb []string
	ll2 = append(ll2, lastlog2Schema)
	wdb = append(wdb, "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT) STRICT")
	for i := 0; i < benchUsers; i += 3 {
		ll2 = append(ll2, fmt.Sprintf("INSERT INTO Lastlog2 VALUES('user%03d', %d, 'pts/2', '192.0.2.2', 'sshd')", i, 1710000000+i))
		for j := range 5 {
			wdb = append(wdb, fmt.Sprintf("INSERT INTO wtmp (Type,User,Login,TTY,RemoteHost,Service) VALUES(3, 'user%03d', %d, 'pts/3', '192.0.2.3', 'sshd')", i, (1720000000+int64(i*10+j))*1e6))
		}
	}
	makeDB(b, filepath.Join(dir, "var/lib/lastlog/lastlog2.db"), ll2...)
	makeDB(b, filepath.Join(dir, "var/lib/wtmpdb/wtmp.db"), wdb...)
	return dir
}

func BenchmarkCollect(b *testing.B) {
	root, err := hostroot.Open(makeBenchRoot(b))
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	req := sdk.Request{Root: root, Options: json.RawMessage(`{"extra_admin_groups":["user005"]}`)}
	c := New()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Collect(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if f := resp.Facts.(Facts); len(f.Users) != benchUsers+1 || len(resp.Warnings) != 0 {
			b.Fatalf("Collect = %d users, warnings %q", len(f.Users), resp.Warnings)
		}
	}
}
