package survey

import (
	"math/rand/v2"
	"time"
)

// DailyResponses makes perDay plausible responses a day at one place, every day from
// first to last (Vietnam days), given within opening hours (08:00 to 16:00), each drawn
// around profile's quality shifted by shift(day) on the answer scale. The same seed makes
// the same responses. The demo uses it for a counter whose answers fall and one that
// stays steady.
func (q *Questionnaire) DailyResponses(profile Synthetic, first, last time.Time, perDay int, shift func(day time.Time) float64, seed uint64) []SyntheticResponse {
	r := rand.New(rand.NewPCG(seed, 0xda11))
	var out []SyntheticResponse
	for day := DayOf(first); !day.After(DayOf(last)); day = day.AddDate(0, 0, 1) {
		for range perDay {
			at := day.Add(8*time.Hour + time.Duration(r.Int64N(int64(8*time.Hour))))
			out = append(out, SyntheticResponse{Index: len(out), At: at, Submission: q.Synthesize(r, profile, shift(day))})
		}
	}
	return out
}
