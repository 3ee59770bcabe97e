package survey

import (
	"reflect"
	"testing"
	"time"
)

func TestWeekStart(t *testing.T) {
	for _, c := range []struct{ day, want int }{
		{20250301, 20250301}, {20250307, 20250301}, {20250308, 20250308}, {20250321, 20250315},
		{20250328, 20250322}, {20250329, 20250329}, {20250331, 20250329}, {20250228, 20250222},
	} {
		if got := WeekStart(c.day); got != c.want {
			t.Errorf("WeekStart(%d) = %d, want %d", c.day, got, c.want)
		}
	}
}

func TestWeekSpans(t *testing.T) {
	for _, c := range []struct {
		name        string
		from, to    int
		days, weeks [][2]int
	}{
		{"inside one week", 20250303, 20250305, [][2]int{{20250303, 20250305}}, nil},
		{"one whole week", 20250308, 20250314, nil, [][2]int{{20250308, 20250308}}},
		{"days, weeks, days", 20250305, 20250324, [][2]int{{20250305, 20250307}, {20250322, 20250324}}, [][2]int{{20250308, 20250315}}},
		{"to the end of a 31-day month", 20250310, 20250331, [][2]int{{20250310, 20250314}}, [][2]int{{20250315, 20250329}}},
		{"the short last week of February", 20250220, 20250228, [][2]int{{20250220, 20250221}}, [][2]int{{20250222, 20250222}}},
		{"the 29th to the 31st", 20250129, 20250131, nil, [][2]int{{20250129, 20250129}}},
		{"across a month", 20250125, 20250210, [][2]int{{20250125, 20250128}, {20250208, 20250210}}, [][2]int{{20250129, 20250129}, {20250201, 20250201}}},
	} {
		days, weeks := WeekSpans(c.from, c.to)
		if !reflect.DeepEqual(days, c.days) || !reflect.DeepEqual(weeks, c.weeks) {
			t.Errorf("%s: WeekSpans(%d, %d) = %v, %v; want %v, %v", c.name, c.from, c.to, days, weeks, c.days, c.weeks)
		}
	}
}

// TestWeekSpansCoverEveryDayOnce checks every range of up to 70 days in 2024 and 2025
// (leap February included): the days and whole weeks cover it exactly once.
func TestWeekSpansCoverEveryDayOnce(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 731; i++ {
		from := start.AddDate(0, 0, i)
		for n := 0; n < 70; n++ {
			to := from.AddDate(0, 0, n)
			days, weeks := WeekSpans(DayKey(from), DayKey(to))
			seen := map[int]int{}
			for _, d := range days {
				for x := at(d[0]); !x.After(at(d[1])); x = x.AddDate(0, 0, 1) {
					seen[DayKey(x)]++
				}
			}
			for _, w := range weeks {
				for x := at(w[0]); !x.After(at(w[1])); x = x.AddDate(0, 0, 1) {
					if WeekStart(DayKey(x)) != DayKey(x) {
						continue
					}
					for y := x; WeekStart(DayKey(y)) == DayKey(x); y = y.AddDate(0, 0, 1) {
						seen[DayKey(y)]++
					}
				}
			}
			want := n + 1
			if len(seen) != want {
				t.Fatalf("WeekSpans(%d, %d) covers %d days, want %d", DayKey(from), DayKey(to), len(seen), want)
			}
			for d, k := range seen {
				if k != 1 || d < DayKey(from) || d > DayKey(to) {
					t.Fatalf("WeekSpans(%d, %d) covers %d %d times", DayKey(from), DayKey(to), d, k)
				}
			}
		}
	}
}

func at(day int) time.Time {
	return time.Date(day/10000, time.Month(day/100%100), day%100, 0, 0, 0, 0, time.UTC)
}
