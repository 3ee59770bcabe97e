package survey

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkEncode encodes synthetic official submissions: an import encodes every row
// of its file, a kiosk every response.
func BenchmarkEncode(b *testing.B) {
	q := Official()
	r := rand.New(rand.NewPCG(5, 6))
	profile := q.NewSynthetic(r)
	subs := make([]Submission, 64)
	for i := range subs {
		subs[i] = q.Synthesize(r, profile, 0)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = subs[i%len(subs)].Encode()
	}
}

func BenchmarkLayoutEncode(b *testing.B) {
	q := Official()
	l := q.Layout()
	r := rand.New(rand.NewPCG(5, 6))
	profile := q.NewSynthetic(r)
	subs := make([]Submission, 64)
	for i := range subs {
		subs[i] = q.Synthesize(r, profile, 0)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = l.Encode(subs[i%len(subs)])
	}
}
