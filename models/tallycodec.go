package models

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"sipas/survey"
)

// The answer and option counts of one count row are kept together in one compact value
// (a BLOB in SQLite, BYTEA in PostgreSQL) instead of one row per criterion and option:
// a response then touches three count rows instead of about ninety, which is what makes
// bulk imports and the demo quick, and a national year still reads a few hundred rows.
//
// The body: the number of criteria, then for each its code, the five value counts, the
// pair count and the five sums of the importance correlation; the number of questions,
// then for each its code and the number of values, then for each the value and its
// count. Counts and lengths are uvarints, sums little-endian float64, strings a uvarint
// length and bytes, all sorted by code.
//
// Version 1 is a version byte 1 and the body. Version 2, written since migration 3, is a
// version byte 2, the body and the CRC-32C (Castagnoli) of every byte before it, little
// endian: these values are the only copy of the aggregates, and without a checksum a
// damaged count would be read as a wrong one. testdata/counts-v*.bin pin both layouts:
// a change of layout needs a new version byte and a migration, never an edit of these.
const (
	countsV1 = 1
	countsV2 = 2
)

// encodeCounts writes the criterion and option counts of t in the current layout.
func encodeCounts(t *survey.Tally) []byte { return encodeCountsV2(t) }

// encodeCountsV2 writes t in layout 2. Migration 3 relies on it: it stays as it is
// when a later layout comes.
func encodeCountsV2(t *survey.Tally) []byte {
	b := make([]byte, 0, 64+len(t.Criteria)*64)
	b = append(b, countsV2)
	return sealCounts(appendCountsBody(b, t))
}

// sealCounts appends the checksum of layout 2 to a version byte and body.
func sealCounts(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, countsChecksum(b))
}

func countsChecksum(b []byte) uint32 {
	return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) // MakeTable returns the one table it keeps
}

func appendCountsBody(b []byte, t *survey.Tally) []byte {
	// The keys are sorted in arrays on the stack: every kiosk batch encodes its rows
	// again, and a slice allocated per map was half the encoding's time.
	var codes, values [64]string
	criteria := survey.AppendSortedKeys(codes[:0], t.Criteria)
	b = binary.AppendUvarint(b, uint64(len(criteria)))
	for _, code := range criteria {
		b = appendCriterion(b, code, t.Criteria[code])
	}
	questions := survey.AppendSortedKeys(codes[:0], t.Options)
	b = binary.AppendUvarint(b, uint64(len(questions)))
	for _, q := range questions {
		b = appendString(b, q)
		counts := t.Options[q]
		vs := survey.AppendSortedKeys(values[:0], counts)
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = appendString(b, v)
			b = binary.AppendUvarint(b, uint64(counts[v]))
		}
	}
	return b
}

// appendCriterion appends one criterion's counts to a body.
func appendCriterion(b []byte, code string, c *survey.CriterionTally) []byte {
	b = appendString(b, code)
	for _, v := range c.Values {
		b = binary.AppendUvarint(b, uint64(v))
	}
	b = binary.AppendUvarint(b, uint64(c.PairN))
	for _, f := range [...]float64{c.SumX, c.SumX2, c.SumO, c.SumO2, c.SumXO} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	return b
}

var (
	errChecksum = errors.New("checksum mismatch: the stored value is damaged")
	errV1Row    = errors.New("version 1 (no checksum) where version 2 is expected: migration 3 re-encodes such rows")
)

// addCounts decodes counts written by encodeCounts and adds them to t, with the option
// counts or without them. Only layout 2 is read: every kept row carries a checksum since
// migration 3, and a value that looked like layout 1 could be a damaged layout 2 one.
// On an error t may hold part of the counts and is to be dropped.
func addCounts(t *survey.Tally, data []byte, options bool) error {
	return addCountsNamed(t, data, options, nil)
}

// codeNames keeps one string of each criterion, question and option code decoded, so
// that a read of thousands of rows does not allocate the same codes again for every
// row (a cold read of a date range spent a sixth of its time on them).
type codeNames map[string]string

// name returns b as a string, kept in names once (allocated each time when names is nil).
func (names codeNames) name(b []byte) string {
	if names == nil {
		return string(b)
	}
	if s, ok := names[string(b)]; ok { // looked up without allocating
		return s
	}
	s := string(b)
	names[s] = s
	return s
}

// addCountsNamed is addCounts with the codes' strings kept in names.
func addCountsNamed(t *survey.Tally, data []byte, options bool, names codeNames) error {
	if len(data) == 0 {
		return fmt.Errorf("counts: %w", errShort)
	}
	switch data[0] {
	case countsV2:
	case countsV1:
		return fmt.Errorf("counts: %w", errV1Row)
	default:
		return fmt.Errorf("counts: unknown version %d", data[0])
	}
	if len(data) < 1+4 {
		return fmt.Errorf("counts: %w", errShort)
	}
	end := len(data) - 4
	if countsChecksum(data[:end]) != binary.LittleEndian.Uint32(data[end:]) {
		return fmt.Errorf("counts: %w", errChecksum)
	}
	return addCountsBody(t, data[1:end], options, names, true)
}

// addLegacyCounts decodes counts in layout 1, as databases kept them before migration 3,
// and adds them to t.
func addLegacyCounts(t *survey.Tally, data []byte, options bool) error {
	if len(data) == 0 || data[0] != countsV1 {
		return errors.New("counts: not version 1")
	}
	return addCountsBody(t, data[1:], options, nil, false)
}

// addCountsBody decodes the body shared by both layouts.
// checksummed says that a checksum vouched for data.
func addCountsBody(t *survey.Tally, data []byte, options bool, names codeNames, checksummed bool) error {
	d := decoder{data: data}
	n := d.uvarint()
	// A tally read fresh gets its criteria in one piece and its map at its size: a cold
	// read decodes hundreds of rows into fresh tallies, and one allocation a criterion
	// was most of its garbage. Bounded, as n is only as sound as the bytes.
	var fresh []survey.CriterionTally
	if len(t.Criteria) == 0 && n > 0 {
		size := int(min(n, maxFreshCriteria))
		fresh = make([]survey.CriterionTally, 0, size)
		t.Criteria = make(map[string]*survey.CriterionTally, size)
	}
	for ; n > 0 && d.err == nil; n-- {
		code := d.bytes()
		var c survey.CriterionTally
		for i := range c.Values {
			c.Values[i] = d.count()
		}
		c.PairN = d.count()
		for _, f := range [...]*float64{&c.SumX, &c.SumX2, &c.SumO, &c.SumO2, &c.SumXO} {
			*f = d.float()
		}
		if d.err == nil {
			ct := t.Criteria[string(code)]
			switch {
			case ct != nil:
				ct.Add(&c)
			case len(fresh) < cap(fresh):
				fresh = append(fresh, c)
				t.Criteria[names.name(code)] = &fresh[len(fresh)-1]
			default:
				t.Criterion(names.name(code)).Add(&c)
			}
		}
	}
	if !options && checksummed && d.err == nil {
		// A lean read (the indices, not the option counts) stops here: the checksum has
		// vouched for the bytes, and the options are a third of a row's decoding.
		return nil
	}
	for n := d.uvarint(); n > 0 && d.err == nil; n-- {
		q := d.bytes()
		for m := d.uvarint(); m > 0 && d.err == nil; m-- {
			v := d.bytes()
			if count := d.count(); d.err == nil && options {
				t.AddOption(names.name(q), names.name(v), count)
			}
		}
	}
	if d.err == nil && len(d.data) != 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return fmt.Errorf("counts: %w", d.err)
	}
	return nil
}

// maxFreshCriteria bounds the criteria a fresh tally makes room for at once (the
// official questionnaire has 22).
const maxFreshCriteria = 256

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads the counts layout, remembering the first error.
type decoder struct {
	data []byte
	err  error
}

var errShort = errors.New("truncated")

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.data = d.data[n:]
	return v
}

// count reads a uvarint that must fit a count (an int64 of at least zero).
func (d *decoder) count() int64 {
	v := d.uvarint()
	if v > math.MaxInt64 && d.err == nil {
		d.err = errors.New("count out of range")
	}
	return int64(v)
}

func (d *decoder) float() float64 {
	if d.err != nil || len(d.data) < 8 {
		d.err = errShort
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.data))
	d.data = d.data[8:]
	return f
}

// bytes reads a string's bytes, which stay the data's.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || uint64(len(d.data)) < n {
		d.err = errShort
		return nil
	}
	b := d.data[:n]
	d.data = d.data[n:]
	return b
}
