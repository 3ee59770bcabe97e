package survey

import (
	"encoding/binary"
	"errors"
	"math"
)

// A packed contribution is a Contribution in a few dozen bytes, for holding those of
// many submissions at once (an import adds up a whole file's daily rows in key order):
// a flag byte (1: scored), the score's 8 bytes when scored, the number of criteria and
// each one's index and value, the number of options and each one's index, all uvarints.
// What Add needs besides (each criterion's pairing sums) follows from the criteria.

var errPacked = errors.New("packed contribution is damaged")

// AppendPacked appends x packed to b.
func (x *Contribution) AppendPacked(b []byte) []byte {
	if x.scored {
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.score))
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(x.criteria)))
	for _, c := range x.criteria {
		b = binary.AppendUvarint(b, uint64(c.i))
		b = append(b, byte(c.x))
	}
	b = binary.AppendUvarint(b, uint64(len(x.options)))
	for _, i := range x.options {
		b = binary.AppendUvarint(b, uint64(i))
	}
	return b
}

// UnpackContribution reads a contribution AppendPacked wrote for this layout into x,
// whose slices it reuses.
func (l *CountsLayout) UnpackContribution(b []byte, x *Contribution) error {
	d := packedReader{b: b}
	flag := d.byte()
	x.scored = flag == 1
	x.score = 0
	if x.scored {
		x.score = math.Float64frombits(d.uint64())
	}
	n := d.uvarint()
	if d.bad || n > uint64(len(l.Criteria)) {
		return errPacked
	}
	x.criteria = x.criteria[:0]
	total := 0
	for range n {
		i, v := d.uvarint(), int(d.byte())
		if d.bad || i >= uint64(len(l.Criteria)) || v < 1 || v > MaxScale {
			return errPacked
		}
		total += v
		x.criteria = append(x.criteria, contributed{i: int(i), x: v})
	}
	if others := len(x.criteria) - 1; others > 0 { // as Contribution pairs them
		for k := range x.criteria {
			cc := &x.criteria[k]
			cc.paired, cc.fx, cc.o = true, float64(cc.x), float64(total-cc.x)/float64(others)
		}
	}
	n = d.uvarint()
	if d.bad || n > uint64(l.options) {
		return errPacked
	}
	x.options = x.options[:0]
	for range n {
		i := d.uvarint()
		if d.bad || i >= uint64(l.options) {
			return errPacked
		}
		x.options = append(x.options, int(i))
	}
	if flag > 1 || len(d.b) > 0 {
		return errPacked
	}
	return nil
}

// packedReader reads a packed contribution; bad once it ran past the end.
type packedReader struct {
	b   []byte
	bad bool
}

func (d *packedReader) byte() byte {
	if len(d.b) < 1 {
		d.bad = true
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *packedReader) uint64() uint64 {
	if len(d.b) < 8 {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *packedReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}
