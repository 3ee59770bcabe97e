package survey

import "testing"

// BenchmarkCompute is one unit's indices, as a national table computes them for every
// province of a request not kept yet.
func BenchmarkCompute(b *testing.B) {
	t := tallyOf(allCriteria(4), allCriteria(2), allCriteria(5))
	b.ReportAllocs()
	for b.Loop() {
		official.Compute(t)
	}
}
