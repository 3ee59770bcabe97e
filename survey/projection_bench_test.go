package survey

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkProject computes the projections of every current province from two years of
// lean monthly counts (200 synthetic responses a province and month) and 10,000 simulated
// rankings: what a page costs when its cached projections are stale.
func BenchmarkProject(b *testing.B) {
	all := stored()
	in := ProjectionInput{Questionnaire: official, Units: all, Year: 2026, Months: map[int]map[uint]*Tally{}, Years: map[int]map[uint]*Tally{}}
	r := rand.New(rand.NewPCG(1, 2))
	for _, u := range UnitsOn(all, "2026-03-10") {
		profile := official.NewSynthetic(r)
		for _, m := range []int{202501, 202502, 202503, 202504, 202505, 202506, 202507, 202508, 202509, 202510, 202511, 202512, 202601, 202602, 202603} {
			t := NewTally()
			for range 200 {
				t.Add(official.Tally(official.Synthesize(r, profile, 0)))
			}
			t.Options = map[string]map[string]int64{} // the store reads lean counts: no option counts
			if in.Months[m] == nil {
				in.Months[m] = map[uint]*Tally{}
			}
			in.Months[m][u.ID] = t
		}
	}
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, VietnamTime())
	b.ResetTimer()
	for b.Loop() {
		in.Project(now, ProjectionRules{MinSample: 30, Draws: RankDraws, Seed: 1})
	}
}
