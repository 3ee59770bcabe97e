package survey

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// simUnit makes a unit's daily lean counts over days days from start: about perDay
// responses a day (Poisson), each drawn around profile's quality, shifted by shift(day)
// on the answer scale.
func simUnit(r *rand.Rand, profile Synthetic, start time.Time, days int, perDay float64, shift func(day int) float64) DayCounts {
	out := DayCounts{}
	for d := range days {
		t := NewTally()
		for range poisson(r, perDay) {
			s := official.Synthesize(r, profile, shift(d))
			t.Add(official.Tally(s))
		}
		t.Options = nil // the store reads lean counts
		out[DayKey(start.AddDate(0, 0, d))] = t
	}
	return out
}

func poisson(r *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

var simStart = time.Date(2025, 1, 1, 0, 0, 0, 0, VietnamTime())

// firstAlarm runs the test on every day from first to last (day numbers) and returns the
// first day it alarms, -1 if none, and how many days alarmed.
func firstAlarm(days DayCounts, first, last int, rules DropRules) (day, alarms int, drop Drop) {
	day = -1
	for d := first; d <= last; d++ {
		got, ok := official.DetectDrop(days, simStart.AddDate(0, 0, d), rules)
		if ok {
			alarms++
			if day < 0 {
				day, drop = d, got
			}
		}
	}
	return day, alarms, drop
}

// The detector on simulated counters: stable ones (false alarms) and ones whose answers
// fall from day 150 (detection and its delay), by half a point of the answer scale and by
// a quarter. The rates are logged (go test -v -run TestDropDetectorRates ./survey).
func TestDropDetectorRates(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	rules := DefaultDropRules()
	const units, days, change = 40, 220, 150
	first := rules.Recent + rules.Baseline // the first day with a full baseline
	r := rand.New(rand.NewPCG(11, 12))
	stableUnitsAlarmed, stableAlarms, checks := 0, 0, 0
	for range units {
		profile := official.NewSynthetic(r)
		counts := simUnit(r, profile, simStart, days, 8, func(int) float64 { return 0 })
		day, alarms, _ := firstAlarm(counts, first, days-1, rules)
		checks += days - first
		stableAlarms += alarms
		if day >= 0 {
			stableUnitsAlarmed++
		}
	}
	falseRate := float64(stableAlarms) / float64(checks)
	t.Logf("stable counters (8 responses a day): %d of %d alarmed at least once in %d daily checks each; %.3f %% of the %d checks alarmed",
		stableUnitsAlarmed, units, days-first, 100*falseRate, checks)
	if falseRate > 0.002 || stableUnitsAlarmed > units/10 {
		t.Errorf("false alarms: %.3f %% of checks, %d units", 100*falseRate, stableUnitsAlarmed)
	}
	for _, sc := range []struct {
		shift      float64
		wantWithin float64 // share detected within 14 days, at least
	}{{-0.5, 0.9}, {-0.25, 0}} {
		detected, within14 := 0, 0
		var delays, dating, sizes []float64
		for range units {
			profile := official.NewSynthetic(r)
			counts := simUnit(r, profile, simStart, days, 8, func(d int) float64 {
				if d >= change {
					return sc.shift
				}
				return 0
			})
			day, _, drop := firstAlarm(counts, change, days-1, rules)
			if day < 0 {
				continue
			}
			detected++
			delays = append(delays, float64(day-change))
			if day-change <= 14 {
				within14++
			}
			sizes = append(sizes, drop.Drop)
			dating = append(dating, math.Abs(drop.Since.Sub(simStart.AddDate(0, 0, change)).Hours()/24))
		}
		t.Logf("answers %.2f on the scale from day %d (SIPAS −%.1f points, median of those found): %d of %d detected in %d days, %d within 14; delay median %.0f days, 90th percentile %.0f; start dated %.0f days off (median)",
			sc.shift, change, median(sizes), detected, units, days-change, within14, median(delays), percentile(delays, 0.9), median(dating))
		if float64(within14) < sc.wantWithin*units {
			t.Errorf("shift %v: %d of %d drops detected within 14 days, want %.0f %%", sc.shift, within14, units, 100*sc.wantWithin)
		}
		if sc.wantWithin > 0 && median(dating) > 4 {
			t.Errorf("shift %v: start of the drop dated %v days off (median), want at most 4", sc.shift, median(dating))
		}
	}
}

func median(xs []float64) float64 { return percentile(xs, 0.5) }

func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1)+0.5)]
}

func TestDetectDrop(t *testing.T) {
	today := simStart.AddDate(0, 0, 120)
	// days 0–99: 90 % satisfied; then per case
	fill := func(recentN, recentSat int, since int) DayCounts {
		days := DayCounts{}
		for d := 0; d <= 120; d++ {
			key := DayKey(simStart.AddDate(0, 0, d))
			if d < since {
				days[key] = shares(10, 9)
			} else {
				days[key] = shares(recentN, recentSat)
			}
		}
		return days
	}
	tests := []struct {
		name  string
		days  DayCounts
		rules func(*DropRules)
		want  bool
		since int // day number of the start, when found
	}{
		{"stable", fill(10, 9, 200), nil, false, 0},
		{"a drop to 60 % from day 110", fill(10, 6, 110), nil, true, 110},
		{"a drop to 60 % from day 100", fill(10, 6, 100), nil, true, 100},
		{"too few recent responses", fill(1, 0, 107), nil, false, 0}, // 14 in the last 14 days
		{"a small drop, under 5 points", fill(10, 9, 110), func(r *DropRules) { r.MinDrop = 0.5 }, false, 0},
		{"the minimum drop raised to 40 points", fill(10, 6, 110), func(r *DropRules) { r.MinDrop = 40 }, false, 0},
		{"a rise", fill(10, 10, 110), nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := DefaultDropRules()
			if tt.rules != nil {
				tt.rules(&rules)
			}
			d, ok := official.DetectDrop(tt.days, today, rules)
			if ok != tt.want {
				t.Fatalf("alarm %v, want %v (drop %.2f, z %.2f)", ok, tt.want, d.Drop, d.Z)
			}
			if !ok {
				return
			}
			if got := DayKey(d.Since); got != DayKey(simStart.AddDate(0, 0, tt.since)) {
				t.Errorf("since %d, want day %d", got, tt.since)
			}
			assertPtr(t, "before", d.Before.SIPAS, fp(90))
			assertPtr(t, "after", d.After.SIPAS, fp(60))
			if !near(d.Drop, 30, 1e-9) || d.After.Responses != int64(10*(121-tt.since)) || d.Before.Responses != 900 {
				t.Errorf("drop %v, after %d responses, before %d", d.Drop, d.After.Responses, d.Before.Responses)
			}
		})
	}
}

// The criteria named are those that fell most.
func TestDetectDropNamesTheCriteria(t *testing.T) {
	today := simStart.AddDate(0, 0, 120)
	days := DayCounts{}
	good, politeFell := allCriteria(5), allCriteria(5)
	for _, c := range []string{"E3.1", "E3.2"} {
		politeFell.Criteria[c] = 1
	}
	politeFell.Criteria["E2.5"] = 3
	for d := 0; d <= 120; d++ {
		s := good
		if d >= 107 {
			s = politeFell
		}
		days[DayKey(simStart.AddDate(0, 0, d))] = tallyOf(repeat(5, s)...)
	}
	d, ok := official.DetectDrop(days, today, DefaultDropRules())
	if !ok {
		t.Fatal("no alarm")
	}
	var codes []string
	for _, c := range d.Criteria {
		codes = append(codes, c.Code)
	}
	if len(codes) != 3 || codes[0] != "E2.5" && codes[0] != "E3.1" || codes[2] != "E3.2" && codes[2] != "E2.5" {
		t.Errorf("criteria %v, want E2.5, E3.1, E3.2 (each 100 → 0)", codes)
	}
	for _, c := range d.Criteria {
		if c.Before != 100 || c.After != 0 || c.Drop != 100 {
			t.Errorf("%+v", c)
		}
	}
}

// A scan names the counter that fell and its office (whose counts include it), not the
// stable counter beside it, nor a counter without counts.
func TestAlertScan(t *testing.T) {
	today := simStart.AddDate(0, 0, 120)
	fell, stable := DayCounts{}, DayCounts{}
	for d := 0; d <= 120; d++ {
		key := DayKey(simStart.AddDate(0, 0, d))
		stable[key] = shares(10, 9)
		fell[key] = shares(10, 9)
		if d >= 110 {
			fell[key] = shares(10, 3)
		}
	}
	in := AlertInput{Questionnaire: official,
		Counters: []AlertPlace{{CounterID: 7, OfficeID: 3, ProvinceID: 31}, {CounterID: 5, OfficeID: 3, ProvinceID: 31}, {CounterID: 9, OfficeID: 4, ProvinceID: 1}},
		Days:     map[uint]DayCounts{7: fell, 5: stable}}
	got := in.Scan(today, DefaultDropRules())
	type unit struct {
		kind         string
		id, province uint
	}
	var units []unit
	for _, d := range got {
		units = append(units, unit{d.Kind, d.ID, d.ProvinceID})
	}
	want := []unit{{AlertCounter, 7, 31}, {AlertOffice, 3, 31}}
	if len(units) != len(want) || units[0] != want[0] || units[1] != want[1] {
		t.Fatalf("alerts %v, want %v", units, want)
	}
	if !near(got[0].Drop.Drop, 60, 1e-9) || !near(got[1].Drop.Drop, 30, 1e-9) {
		t.Errorf("drops %v and %v, want 60 and 30", got[0].Drop.Drop, got[1].Drop.Drop)
	}
	if in.Days[5][DayKey(today)].Responses != 10 {
		t.Error("the scan changed a counter's counts while adding up its office")
	}
}
