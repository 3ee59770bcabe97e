package survey

import (
	"math/rand/v2"
	"testing"
)

// syntheticSubmissions returns n official submissions, as an import's rows or a kiosk's
// responses would be.
func syntheticSubmissions(n int) []Submission {
	q := Official()
	r := rand.New(rand.NewPCG(5, 6))
	profile := q.NewSynthetic(r)
	subs := make([]Submission, n)
	for i := range subs {
		subs[i] = q.Synthesize(r, profile, 0)
	}
	return subs
}

// BenchmarkEncode encodes synthetic official submissions: a kiosk encodes every response.
func BenchmarkEncode(b *testing.B) {
	subs := syntheticSubmissions(64)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = subs[i%len(subs)].Encode()
	}
}

// BenchmarkLayoutEncode is the same through the layout, as an import encodes every row.
func BenchmarkLayoutEncode(b *testing.B) {
	subs, l := syntheticSubmissions(64), Official().Layout()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = l.Encode(subs[i%len(subs)])
	}
}
