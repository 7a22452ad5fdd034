package baseline

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	// stateListen is TCP_LISTEN in /proc/net/tcp{,6}.
	stateListen = "0A"
	// stateClose is TCP_CLOSE, the state of a bound, unconnected UDP
	// socket in /proc/net/udp{,6}.
	stateClose = "07"
	// maxProcNetSize bounds one /proc/net table.
	maxProcNetSize = 16 << 20
)

// procNetTables are the kernel's socket tables and their protocols.
var procNetTables = []struct{ file, proto string }{
	{"/proc/net/tcp", "tcp"}, {"/proc/net/tcp6", "tcp"},
	{"/proc/net/udp", "udp"}, {"/proc/net/udp6", "udp"},
}

// procSocket is one accepting socket read from a /proc/net table.
type procSocket struct {
	Protocol string
	Addr     netip.Addr
	Port     int
	Inode    uint64
}

// parseProcNet returns the accepting sockets of a /proc/net/{tcp,udp}[6]
// table: TCP sockets in LISTEN state, or UDP sockets bound and not
// connected. Lines that cannot be parsed, and a table cut short, are
// returned as problems.
func parseProcNet(data []byte, proto string) ([]procSocket, []string) {
	want := stateListen
	if proto == "udp" {
		want = stateClose
	}
	var out []procSocket
	var problems []string
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// The kernel ends every line, the header too: a table that
		// does not end so was cut short, and may have lost sockets.
		problems = append(problems, "last line incomplete (table truncated)")
	}
	if f := strings.Fields(string(data[:max(bytes.IndexByte(data, '\n'), 0)])); len(f) == 0 || f[0] != "sl" {
		// The kernel writes the header line even when the table is
		// empty: without it, this is not a table it wrote in full.
		problems = append(problems, "no header line (the kernel always writes one): emptied or not a /proc/net table")
	}
	for i, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) == 0 {
			continue // header
		}
		if len(f) < 10 {
			problems = append(problems, fmt.Sprintf("line %d: %d fields, want at least 10", i+1, len(f)))
			continue
		}
		if !strings.EqualFold(f[3], want) {
			continue
		}
		addr, port, err := parseHexEndpoint(f[1])
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", i+1, err))
			continue
		}
		if port == 0 {
			continue // not bound to a port: nothing can connect
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: inode %q: %v", i+1, f[9], err))
			continue
		}
		out = append(out, procSocket{Protocol: proto, Addr: addr, Port: port, Inode: inode})
	}
	return out, problems
}

// parseHexEndpoint parses a /proc/net local address "ADDR:PORT": ADDR is
// 8 (IPv4) or 32 (IPv6) hex digits, each 32-bit word printed as the
// kernel holds it in memory (little-endian hosts), and PORT is 4 hex
// digits in host order.
func parseHexEndpoint(s string) (netip.Addr, int, error) {
	a, p, ok := strings.Cut(s, ":")
	if !ok || len(p) != 4 {
		return netip.Addr{}, 0, fmt.Errorf("address %q is not ADDR:PORT", s)
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("address %q: port: %w", s, err)
	}
	raw, err := hex.DecodeString(a)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.Addr{}, 0, fmt.Errorf("address %q: not 8 or 32 hex digits", s)
	}
	b := make([]byte, len(raw))
	for w := 0; w < len(raw); w += 4 {
		binary.BigEndian.PutUint32(b[w:], binary.LittleEndian.Uint32(raw[w:]))
	}
	addr, _ := netip.AddrFromSlice(b)
	return addr, int(port), nil
}

// listening reads the accepting sockets; known is false when the host
// root has none of the /proc/net tables, so nothing can be said, and
// when any table could not be read in full (present but unreadable, with
// lines that do not parse, or tcp or udp missing beside the others): a
// socket missed there could be one reachable from the network.
// tcp6 and udp6 may be missing (a kernel without IPv6). present is true
// when any table is there, readable or not.
func (h *host) listening() (socks []Socket, known, present bool) {
	var raw []procSocket
	partial := false
	var missing []string
	for _, t := range procNetTables {
		if h.ctx.Err() != nil {
			return nil, false, false
		}
		b, err := h.root.ReadFile(t.file, maxProcNetSize)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				h.warns.Add("sockets: %v", err)
				partial = true
			} else if _, lerr := h.root.Lstat(t.file); lerr == nil {
				h.warns.Add("sockets: %s: dangling symbolic link", t.file)
				partial = true
			} else if !strings.HasSuffix(t.file, "6") {
				missing = append(missing, t.file)
			}
			continue
		}
		known = true
		s, problems := parseProcNet(b, t.proto)
		for _, p := range problems {
			h.warns.Add("sockets: %s: %s", t.file, p)
		}
		partial = partial || len(problems) > 0
		raw = append(raw, s...)
	}
	if (known || partial) && len(missing) > 0 {
		h.warns.Add("sockets: %s missing beside the other /proc/net tables", strings.Join(missing, ", "))
		partial = true
	}
	if !known || partial {
		if partial {
			h.warns.Add("sockets: a /proc/net table could not be read in full; listening is null, not checked")
		}
		return nil, false, partial
	}
	owners := map[uint64]owner{}
	if len(raw) > 0 {
		owners = h.socketOwners()
	}
	out := []Socket{}
	seen := map[Socket]bool{}
	for _, s := range raw {
		o := owners[s.Inode]
		sock := Socket{
			Protocol: s.Protocol,
			Address:  s.Addr.String(),
			Port:     s.Port,
			Loopback: s.Addr.Unmap().IsLoopback(),
			Process:  o.comm,
			PID:      o.pid,
		}
		if !seen[sock] {
			seen[sock] = true
			out = append(out, sock)
		}
	}
	slices.SortFunc(out, func(a, b Socket) int {
		return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Port, b.Port), cmp.Compare(a.Address, b.Address), cmp.Compare(a.PID, b.PID))
	})
	return out, true, true
}

// owner is the process holding a socket.
type owner struct {
	pid  int
	comm string
}

// parseSocketLink returns the inode of an fd link target "socket:[N]".
func parseSocketLink(target string) (uint64, bool) {
	s, ok := strings.CutPrefix(target, "socket:[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// socketOwners maps socket inodes to the lowest-numbered process holding
// them, from the /proc/<pid>/fd links the collector may read. The links
// are read without being followed, inside the directory resolved by the
// host root.
func (h *host) socketOwners() map[uint64]owner {
	out := map[uint64]owner{}
	ents, err := h.root.ReadDir("/proc")
	if err != nil {
		return out
	}
	pids := []int{}
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids)
	for _, pid := range pids {
		if h.ctx.Err() != nil {
			return out
		}
		fdDir := fmt.Sprintf("/proc/%d/fd", pid)
		fds, err := h.root.ReadDir(fdDir)
		if err != nil {
			continue // the process ended, or its fds are not ours to read
		}
		dir, err := h.root.Resolve(fdDir)
		if err != nil {
			continue
		}
		var comm string
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(dir, fd.Name()))
			if err != nil {
				continue
			}
			inode, ok := parseSocketLink(target)
			if !ok {
				continue
			}
			if _, taken := out[inode]; taken {
				continue
			}
			if comm == "" {
				if b, err := h.root.ReadFile(fmt.Sprintf("/proc/%d/comm", pid), 256); err == nil {
					comm = strings.TrimSpace(string(b))
				}
			}
			out[inode] = owner{pid: pid, comm: comm}
		}
	}
	return out
}
