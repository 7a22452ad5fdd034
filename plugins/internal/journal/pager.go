package journal

import (
	"errors"
	"fmt"
	"io"
)

// pageSize is the unit the pager reads the file in.
const pageSize = 64 << 10

// errTruncated is returned for a read past the end of the file.
var errTruncated = errors.New("object extends past the end of the file")

// errBudget is returned once the byte budget is spent.
var errBudget = errors.New("read budget spent")

// pager reads a file through a small cache of fixed-size pages, so that
// the linear walk and the jumps back to DATA objects cost few reads and
// bounded memory. Slices it returns are valid until its next call.
type pager struct {
	r     io.ReaderAt
	size  uint64
	pages map[uint64][]byte // page number → contents (short at EOF)
	fifo  []uint64          // page numbers, oldest first
	max   int               // pages kept
	read  int64             // bytes read from r
	limit int64             // budget for read
	buf   []byte            // for reads spanning pages
}

func newPager(r io.ReaderAt, size uint64, maxPages int, limit int64) *pager {
	return &pager{r: r, size: size, pages: make(map[uint64][]byte, maxPages), max: maxPages, limit: limit}
}

// at returns the n bytes at off.
func (p *pager) at(off, n uint64) ([]byte, error) {
	if off > p.size || n > p.size-off {
		return nil, errTruncated
	}
	first, last := off/pageSize, (off+n-1)/pageSize
	if n == 0 {
		return nil, nil
	}
	if first == last {
		pg, err := p.page(first)
		if err != nil {
			return nil, err
		}
		lo := off - first*pageSize
		if lo+n > uint64(len(pg)) {
			return nil, errTruncated
		}
		return pg[lo : lo+n], nil
	}
	if uint64(cap(p.buf)) < n {
		p.buf = make([]byte, n)
	}
	out := p.buf[:n]
	for i := first; i <= last; i++ {
		pg, err := p.page(i)
		if err != nil {
			return nil, err
		}
		start := i * pageSize
		lo, hi := uint64(0), uint64(len(pg))
		if off > start {
			lo = off - start
		}
		if off+n < start+hi {
			hi = off + n - start
		}
		if lo > hi {
			return nil, errTruncated
		}
		copy(out[start+lo-off:], pg[lo:hi])
	}
	return out, nil
}

// page returns page i, reading it when it is not cached.
func (p *pager) page(i uint64) ([]byte, error) {
	if pg, ok := p.pages[i]; ok {
		return pg, nil
	}
	var pg []byte
	if len(p.fifo) >= p.max {
		old := p.fifo[0]
		p.fifo = append(p.fifo[:0], p.fifo[1:]...)
		pg = p.pages[old][:0]
		delete(p.pages, old)
	}
	n := uint64(pageSize)
	if rest := p.size - i*pageSize; rest < n {
		n = rest
	}
	if p.read+int64(n) > p.limit {
		return nil, errBudget
	}
	if uint64(cap(pg)) < n {
		pg = make([]byte, n)
	}
	pg = pg[:n]
	m, err := p.r.ReadAt(pg, int64(i*pageSize))
	p.read += int64(m)
	if err != nil && !(errors.Is(err, io.EOF) && uint64(m) == n) {
		if errors.Is(err, io.EOF) {
			// The file shrank since its size was taken.
			pg = pg[:m]
		} else {
			return nil, fmt.Errorf("read at %d: %w", i*pageSize, err)
		}
	}
	p.pages[i] = pg
	p.fifo = append(p.fifo, i)
	return pg, nil
}
