package survey

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The demo's falling counter raises an alert, its steady neighbour does not.
func TestDailyResponsesScenario(t *testing.T) {
	profile := official.NewSynthetic(rand.New(rand.NewPCG(1, 1)))
	profile.Quality = 4.5
	today := time.Date(2026, 3, 10, 17, 0, 0, 0, VietnamTime())
	first := today.AddDate(0, 0, -120)
	fallFrom := DayOf(today).AddDate(0, 0, -13)
	days := func(shift func(time.Time) float64, seed uint64) DayCounts {
		out := DayCounts{}
		for _, r := range official.DailyResponses(profile, first, today, 12, shift, seed) {
			if !r.At.Before(today) {
				t.Fatalf("a response at %v, after today", r.At)
			}
			key := DayKey(r.At)
			if out[key] == nil {
				out[key] = NewTally()
			}
			out[key].Add(official.Tally(r.Submission))
		}
		return out
	}
	fell := days(func(d time.Time) float64 {
		if !d.Before(fallFrom) {
			return -0.9
		}
		return 0
	}, 1)
	steady := days(func(time.Time) float64 { return 0 }, 2)
	d, ok := official.DetectDrop(fell, today, DefaultDropRules())
	if !ok || d.Drop < 10 {
		t.Fatalf("the falling counter: alert %v, drop %.1f", ok, d.Drop)
	}
	if since := DayKey(d.Since); since < DayKey(fallFrom.AddDate(0, 0, -3)) || since > DayKey(fallFrom.AddDate(0, 0, 3)) {
		t.Errorf("since %d, the fall began %d", since, DayKey(fallFrom))
	}
	if _, ok := official.DetectDrop(steady, today, DefaultDropRules()); ok {
		t.Error("the steady counter raised an alert")
	}
}
