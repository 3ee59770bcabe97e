package models

import (
	"encoding/binary"

	"sipas/survey"
)

// encodeLayoutCounts writes counts kept in a layout's flat form (an import adds them up
// that way) exactly as encodeCounts writes the same counts as a Tally, byte for byte,
// without building the Tally: the criteria answered and the questions with an option
// counted, sorted by code, as the layout numbers them.
func encodeLayoutCounts(l *survey.CountsLayout, c *survey.Counts) []byte {
	b := make([]byte, 0, 64+len(c.Criteria)*64)
	b = append(b, countsV2)
	answered := 0
	for i := range c.Criteria {
		if c.Criteria[i].Answered() > 0 {
			answered++
		}
	}
	b = binary.AppendUvarint(b, uint64(answered))
	for i, code := range l.Criteria {
		if c.Criteria[i].Answered() > 0 {
			b = appendCriterion(b, code, &c.Criteria[i])
		}
	}
	counted := func(q int) int {
		n := 0
		for j := range l.Values[q] {
			if c.Options[l.First[q]+j] != 0 {
				n++
			}
		}
		return n
	}
	questions := 0
	for q := range l.Questions {
		if counted(q) > 0 {
			questions++
		}
	}
	b = binary.AppendUvarint(b, uint64(questions))
	for q, code := range l.Questions {
		n := counted(q)
		if n == 0 {
			continue
		}
		b = appendString(b, code)
		b = binary.AppendUvarint(b, uint64(n))
		for j, v := range l.Values[q] {
			if count := c.Options[l.First[q]+j]; count != 0 {
				b = appendString(b, v)
				b = binary.AppendUvarint(b, uint64(count))
			}
		}
	}
	return sealCounts(b)
}
