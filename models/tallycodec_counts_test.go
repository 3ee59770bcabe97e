package models

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"sipas/survey"
)

// An import packs the counts it adds up in the layout's flat form; the bytes must be
// those the Tally of the same counts packs to (layout 2 is pinned), whatever the counts:
// none, one response, many, some criteria and questions never answered.
func TestLayoutCountsEncodeAsTallies(t *testing.T) {
	q := survey.Official()
	l := q.Layout()
	r := rand.New(rand.NewPCG(1, 2))
	profile := q.NewSynthetic(r)
	for _, n := range []int{0, 1, 2, 17, 300} {
		c := l.New()
		for range n {
			s := q.Synthesize(r, profile, 0)
			if n == 2 { // answers few criteria and no other question
				s.Answers, s.Field = map[string]string{}, ""
				for code := range s.Criteria {
					if code != "E1.1" && code != "E5.4" {
						delete(s.Criteria, code)
					}
				}
			}
			x, err := l.Contribution(s)
			if err != nil {
				t.Fatal(err)
			}
			c.Add(&x)
		}
		got, want := encodeLayoutCounts(l, c), encodeCounts(l.Tally(c))
		if !bytes.Equal(got, want) {
			t.Errorf("%d responses: %x\nwant %x", n, got, want)
		}
		back := survey.NewTally() // the responses and sums are columns of their own
		back.Responses, back.SumScore, back.SumScore2 = c.Responses, c.SumScore, c.SumScore2
		if err := addCounts(back, got, true); err != nil || diffTallies(back, l.Tally(c)) != nil {
			t.Errorf("%d responses do not read back: %v", n, err)
		}
	}
}
