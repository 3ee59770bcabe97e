package models

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"

	"sipas/survey"
)

// The answer and option counts of one count row are kept together in one compact value
// (a BLOB in SQLite, BYTEA in PostgreSQL) instead of one row per criterion and option:
// a response then touches three count rows instead of about ninety, which is what makes
// bulk imports and the demo quick, and a national year still reads a few hundred rows.
//
// Layout, version 1: a version byte; the number of criteria, then for each its code,
// the five value counts, the pair count and the five sums of the importance
// correlation; the number of questions, then for each its code and the number of
// values, then for each the value and its count. Counts and lengths are uvarints,
// sums little-endian float64, strings a uvarint length and bytes, all sorted by code.
const countsVersion = 1

// encodeCounts writes the criterion and option counts of t.
func encodeCounts(t *survey.Tally) []byte {
	b := make([]byte, 0, 64+len(t.Criteria)*64)
	b = append(b, countsVersion)
	codes := sortedKeys(t.Criteria)
	b = binary.AppendUvarint(b, uint64(len(codes)))
	for _, code := range codes {
		c := t.Criteria[code]
		b = appendString(b, code)
		for _, v := range c.Values {
			b = binary.AppendUvarint(b, uint64(v))
		}
		b = binary.AppendUvarint(b, uint64(c.PairN))
		for _, f := range [...]float64{c.SumX, c.SumX2, c.SumO, c.SumO2, c.SumXO} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
	}
	questions := sortedKeys(t.Options)
	b = binary.AppendUvarint(b, uint64(len(questions)))
	for _, q := range questions {
		b = appendString(b, q)
		values := sortedKeys(t.Options[q])
		b = binary.AppendUvarint(b, uint64(len(values)))
		for _, v := range values {
			b = appendString(b, v)
			b = binary.AppendUvarint(b, uint64(t.Options[q][v]))
		}
	}
	return b
}

// addCounts decodes counts written by encodeCounts and adds them to t, with the option
// counts or without them.
func addCounts(t *survey.Tally, data []byte, options bool) error {
	d := decoder{data: data}
	if v := d.byte(); v != countsVersion {
		return fmt.Errorf("counts: unknown version %d", v)
	}
	for n := d.uvarint(); n > 0 && d.err == nil; n-- {
		code := d.string()
		var c survey.CriterionTally
		for i := range c.Values {
			c.Values[i] = int64(d.uvarint())
		}
		c.PairN = int64(d.uvarint())
		for _, f := range [...]*float64{&c.SumX, &c.SumX2, &c.SumO, &c.SumO2, &c.SumXO} {
			*f = d.float()
		}
		if d.err == nil {
			t.Criterion(code).Add(&c)
		}
	}
	for n := d.uvarint(); n > 0 && d.err == nil; n-- {
		q := d.string()
		for m := d.uvarint(); m > 0 && d.err == nil; m-- {
			v := d.string()
			if count := int64(d.uvarint()); d.err == nil && options {
				t.AddOption(q, v, count)
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

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// decoder reads the counts layout, remembering the first error.
type decoder struct {
	data []byte
	err  error
}

var errShort = errors.New("truncated")

func (d *decoder) byte() byte {
	if d.err != nil || len(d.data) < 1 {
		d.err = errShort
		return 0
	}
	b := d.data[0]
	d.data = d.data[1:]
	return b
}

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

func (d *decoder) float() float64 {
	if d.err != nil || len(d.data) < 8 {
		d.err = errShort
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.data))
	d.data = d.data[8:]
	return f
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || uint64(len(d.data)) < n {
		d.err = errShort
		return ""
	}
	s := string(d.data[:n])
	d.data = d.data[n:]
	return s
}
