package patching

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// BenchmarkCollect collects from a host with 4,000 installed packages,
// realistic dpkg stanzas of about 700 bytes each, and a security list
// offering a newer version of one package in ten.
func BenchmarkCollect(b *testing.B) {
	const n = 4000
	root := copyRoot(b, "bookworm-security", nil, func(dir string) {
		var status, sec strings.Builder
		for i := range n {
			fmt.Fprintf(&status, "Package: pkg%04d\nStatus: install ok installed\nPriority: optional\nSection: libs\n"+
				"Installed-Size: %d\nMaintainer: Debian Maintainers <pkg%04d@packages.debian.org>\nArchitecture: amd64\n"+
				"Multi-Arch: same\nSource: src%04d\nVersion: 1:%d.%d.%d-%d+deb12u%d\n"+
				"Depends: libc6 (>= 2.34), libgcc-s1 (>= 3.0), libstdc++6 (>= 12), zlib1g (>= 1:1.2.0)\n"+
				"Conffiles:\n /etc/pkg%04d/pkg.conf 0123456789abcdef0123456789abcdef\n"+
				"Description: package number %d\n A long description of the package, wrapped\n over several lines as real descriptions are.\n .\n It has paragraphs.\n"+
				"Homepage: https://example.org/pkg%04d\n\n",
				i, 100+i, i, i, i%3, i%17, i%101, 1+i%5, 1+i%9, i, i, i)
			if i%10 == 0 {
				fmt.Fprintf(&sec, "Package: pkg%04d\nSource: src%04d\nVersion: 1:%d.%d.%d-%d+deb12u%d\nArchitecture: amd64\n"+
					"Filename: pool/updates/main/p/pkg%04d.deb\nSize: 123456\nSHA256: %064d\n\n",
					i, i, i%3, i%17, i%101, 1+i%5, 2+i%9, i, i)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "var/lib/dpkg/status"), []byte(status.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(secList)), []byte(sec.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	})
	r, err := hostroot.Open(root)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	c := New()
	req := sdk.Request{Root: r, Options: json.RawMessage(`{}`)}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Collect(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if got := len(resp.Facts.(Facts).Pending); got != n/10 {
			b.Fatalf("%d pending, want %d", got, n/10)
		}
	}
}
