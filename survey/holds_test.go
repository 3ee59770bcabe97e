package survey

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// tuesday9 is 09:00 on Tuesday 10 March 2026 in Vietnam: opening hours.
var tuesday9 = time.Date(2026, 3, 10, 9, 0, 0, 0, VietnamTime())

// press is one submission at a counter in a scenario.
type press struct {
	counter uint
	after   time.Duration // since tuesday9
	pattern uint64
}

func TestHoldWatch(t *testing.T) {
	rules := DefaultHoldRules()
	every := func(n int, gap time.Duration, pattern func(i int) uint64) []press {
		out := make([]press, n)
		for i := range out {
			out[i] = press{counter: 1, after: time.Duration(i) * gap, pattern: pattern(i)}
		}
		return out
	}
	same := func(int) uint64 { return 7 }
	outsideHours := func(r *HoldRules) { r.OutsideHours = true }
	varied := func(i int) uint64 { return uint64(100 + i) }
	tests := []struct {
		name    string
		presses []press
		rules   func(*HoldRules)
		held    int // responses held in the end (as they came or with a later one)
		reasons []HoldReason
	}{
		{"50 identical presses in a minute: all held", every(50, time.Second, same), nil, 50, []HoldReason{HoldIdentical, HoldBurst}},
		{"10 varied in 5 minutes: none", every(10, 30*time.Second, varied), nil, 0, nil},
		{"11 varied in 5 minutes: a burst, all 11", every(11, 25*time.Second, varied), nil, 11, []HoldReason{HoldBurst}},
		{"5 identical in a row: none", every(5, time.Minute, same), nil, 0, nil},
		{"6 identical in 5 minutes: a run", every(6, time.Minute, same), nil, 6, []HoldReason{HoldIdentical}},
		{"6 identical over 50 minutes: none", every(6, 10*time.Minute, same), nil, 0, nil},
		{"a busy day, one every 2 minutes, varied: none", every(200, 2*time.Minute, varied), nil, 0, nil},
		{"two counters, 8 each within a minute: none", append(every(8, 5*time.Second, varied),
			[]press{{2, 0, 1}, {2, time.Second, 2}, {2, 2 * time.Second, 3}, {2, 3 * time.Second, 4}, {2, 4 * time.Second, 5},
				{2, 5 * time.Second, 6}, {2, 6 * time.Second, 7}, {2, 7 * time.Second, 8}}...), nil, 0, nil},
		{"at 22:00, hours not checked (the default): none", []press{{1, 13 * time.Hour, 1}}, nil, 0, nil},
		{"at 22:00: outside hours", []press{{1, 13 * time.Hour, 1}}, outsideHours, 1, []HoldReason{HoldHours}},
		{"on Sunday: outside hours", []press{{1, -2 * 24 * time.Hour, 1}}, outsideHours, 1, []HoldReason{HoldHours}},
		{"at 16:59: open", []press{{1, 7*time.Hour + 59*time.Minute, 1}}, outsideHours, 0, nil},
		{"checks turned off", every(50, time.Second, same), func(r *HoldRules) { r.Enabled = false }, 0, nil},
		{"a lower burst threshold", every(4, time.Second, varied), func(r *HoldRules) { r.BurstCount = 3 }, 4, []HoldReason{HoldBurst}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rules
			if tt.rules != nil {
				tt.rules(&r)
			}
			var w HoldWatch
			held := map[string]bool{}
			seen := map[HoldReason]bool{}
			for i, p := range tt.presses {
				id := fmt.Sprintf("r%d", i)
				at := tuesday9.Add(p.after)
				reasons, earlier := w.Check(r, p.counter, id, at, p.pattern, DefaultOpeningHours().OpenAt(at))
				if len(reasons) > 0 {
					held[id] = true
				}
				for _, e := range earlier {
					if held[e] {
						t.Errorf("%s held twice", e)
					}
					held[e] = true
				}
				for _, x := range reasons {
					seen[x] = true
				}
			}
			if len(held) != tt.held {
				t.Errorf("%d held, want %d", len(held), tt.held)
			}
			for _, x := range tt.reasons {
				if !seen[x] {
					t.Errorf("no %s", x)
				}
			}
			if len(seen) != len(tt.reasons) {
				t.Errorf("reasons %v, want %v", seen, tt.reasons)
			}
		})
	}
}

// A retried submission (the same UUID) is not a new press.
func TestHoldWatchRetry(t *testing.T) {
	r := DefaultHoldRules()
	r.BurstCount = 2
	var w HoldWatch
	for range 5 {
		if reasons, earlier := w.Check(r, 1, "same", tuesday9, 1, true); reasons != nil || earlier != nil {
			t.Fatalf("a retry held: %v %v", reasons, earlier)
		}
	}
	w.Check(r, 1, "b", tuesday9, 2, true)
	reasons, earlier := w.Check(r, 1, "c", tuesday9, 3, true)
	if len(reasons) != 1 || len(earlier) != 2 {
		t.Fatalf("third response: %v, earlier %v", reasons, earlier)
	}
	if again, _ := w.Check(r, 1, "c", tuesday9, 3, true); len(again) != 1 || again[0] != HoldBurst {
		t.Errorf("a held response retried: %v", again)
	}
}

func TestHoldRulesCheck(t *testing.T) {
	tests := []struct {
		edit  func(*HoldRules)
		field string
	}{
		{func(*HoldRules) {}, ""},
		{func(r *HoldRules) { r.BurstCount = 1 }, "burst_count"},
		{func(r *HoldRules) { r.BurstMinutes = 0 }, "burst_minutes"},
		{func(r *HoldRules) { r.RunLength = 1 }, "run_length"},
		{func(r *HoldRules) { r.RunMinutes = 2000 }, "run_minutes"},
		{func(r *HoldRules) { r.OutsideHours = true }, ""},
	}
	for i, tt := range tests {
		r := DefaultHoldRules()
		tt.edit(&r)
		err := r.Check()
		var ie *InputError
		if tt.field == "" && err != nil || tt.field != "" && (!errors.As(err, &ie) || ie.Name != tt.field) {
			t.Errorf("case %d: %v, want an error on %q", i, err, tt.field)
		}
	}
}

func TestSubmissionPattern(t *testing.T) {
	a, b := allCriteria(5), allCriteria(5)
	c := allCriteria(5)
	c.Criteria["E1.1"] = 4
	if a.Pattern() != b.Pattern() || a.Pattern() == c.Pattern() {
		t.Error("patterns do not tell answers apart")
	}
}

// Held responses are shown beside every figure they would change: the province's (its
// former units' included), the national total, an office's and a counter's.
func TestHeldBesideFigures(t *testing.T) {
	all := stored()
	hp, hd := unitOn(t, all, "31", "2025-12-31").ID, unitOn(t, all, "30", "2025-03-01").ID
	in := NationalInput{Questionnaire: official, Units: all, Period: YearPeriod(2025),
		Counts: map[uint]*Tally{hp: tallyOf(allCriteria(5))}, Held: map[uint]int64{hp: 2, hd: 3, unitOn(t, all, "01", "2025-12-31").ID: 1}}
	r := in.Report(mustDay(t, "2025-12-31"))
	held := map[string]int64{}
	for _, u := range r.Units {
		held[u.Unit.Code] = u.Held
	}
	if r.Held != 6 || held["31"] != 5 || held["01"] != 1 || held["48"] != 0 {
		t.Errorf("national held %d, by province %v", r.Held, held)
	}
	pin := provinceInput(t)
	pin.Counts = ProvinceCounts{Months: map[int]*Tally{202601: tallyOf(allCriteria(4))},
		OfficePlaces:  []Place{{ID: 3, Code: "o", Name: "O"}},
		CounterPlaces: []Place{{ID: 7, Code: "c", Name: "C", OfficeID: 3}},
		Held:          PendingHeld{Territory: 9, Offices: map[uint]int64{3: 4}, Counters: map[uint]int64{7: 4}}}
	pr, err := pin.Report(provinceNow, 1)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Held != 9 || pr.Offices[0].Held != 4 || pr.Counters[0].Held != 4 {
		t.Errorf("province held %d, office %d, counter %d", pr.Held, pr.Offices[0].Held, pr.Counters[0].Held)
	}
}

// BenchmarkHoldWatchCheck is the kiosk path's cost of the checks: one response at one of
// 300 counters, each with a few recent responses remembered.
func BenchmarkHoldWatchCheck(b *testing.B) {
	r := DefaultHoldRules()
	var w HoldWatch
	at := tuesday9
	i := 0
	for b.Loop() {
		at = at.Add(time.Second)
		w.Check(r, uint(i%300), fmt.Sprintf("r%d", i), at, uint64(i), true)
		i++
	}
}

func TestOpeningHoursOpenAt(t *testing.T) {
	h := DefaultOpeningHours() // 07:30–17:00, Monday to Friday
	at := func(day, hour, minute int) time.Time {
		return time.Date(2026, 3, day, hour, minute, 0, 0, VietnamTime())
	}
	for _, tt := range []struct {
		name string
		at   time.Time
		open bool
	}{
		{"Tuesday 07:29", at(10, 7, 29), false},
		{"Tuesday 07:30", at(10, 7, 30), true},
		{"Tuesday 16:59", at(10, 16, 59), true},
		{"Tuesday 17:00", at(10, 17, 0), false},
		{"Saturday 09:00", at(14, 9, 0), false},
		{"Tuesday 09:00 written in UTC", at(10, 9, 0).UTC(), true},
	} {
		if got := h.OpenAt(tt.at); got != tt.open {
			t.Errorf("%s: open %v, want %v", tt.name, got, tt.open)
		}
	}
}
