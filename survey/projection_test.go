package survey

import (
	"testing"
	"time"
)

// shares tallies n responses that answer every criterion, satisfied of them with 5 and
// the others with 2: every index is 100·satisfied/n.
func shares(n, satisfied int) *Tally {
	t := NewTally()
	t.Add(tallyOf(repeat(satisfied, allCriteria(5))...))
	t.Add(tallyOf(repeat(n-satisfied, allCriteria(2))...))
	return t
}

// projectionCase is Hải Phòng (today's 31) and Hà Nội (01) with monthly counts.
type projectionCase struct {
	all    []Unit
	hp, hn uint
	in     ProjectionInput
}

func newProjectionCase(t *testing.T) projectionCase {
	t.Helper()
	all := stored()
	pc := projectionCase{all: all, hp: unitOn(t, all, "31", "2026-03-10").ID, hn: unitOn(t, all, "01", "2026-03-10").ID}
	pc.in = ProjectionInput{Questionnaire: official, Units: all, Year: 2026, Months: map[int]map[uint]*Tally{}, Years: map[int]map[uint]*Tally{}}
	return pc
}

// month sets the counts of unit id in month m.
func (pc projectionCase) month(m int, id uint, t *Tally) {
	if pc.in.Months[m] == nil {
		pc.in.Months[m] = map[uint]*Tally{}
	}
	pc.in.Months[m][id] = t
}

var march10 = time.Date(2026, 3, 10, 9, 0, 0, 0, VietnamTime())

func project(t *testing.T, pc projectionCase, now time.Time, code string) UnitProjection {
	t.Helper()
	p, ok := pc.in.Project(now, ProjectionRules{MinSample: 30, Draws: 2000, Seed: 1}).Of(code)
	if !ok {
		t.Fatalf("no projection of %s", code)
	}
	return p
}

func TestShareLeft(t *testing.T) {
	tests := []struct {
		day  string
		want float64
	}{
		{"2025-12-31", 1},
		{"2026-01-01", 364.0 / 365},
		{"2026-03-10", (365.0 - 69) / 365},
		{"2026-12-30", 1.0 / 365},
		{"2026-12-31", 0},
		{"2027-02-01", 0},
	}
	for _, tt := range tests {
		if got := shareLeft(2026, mustDay(t, tt.day)); !near(got, tt.want, 1e-12) {
			t.Errorf("share left of 2026 on %s = %v, want %v", tt.day, got, tt.want)
		}
	}
}

func TestProjectionLevelAndInterval(t *testing.T) {
	left := (365.0 - 69) / 365
	tests := []struct {
		name       string
		fill       func(t *testing.T, pc projectionCase)
		now        time.Time
		want       *float64 // nil: no projection
		seasonal   *float64
		soFar      float64
		wideSE     bool // SE above the year-so-far SE
		exactSoFar bool // SE equal to the year so far's (the year is over)
	}{
		{name: "too few responses", fill: func(t *testing.T, pc projectionCase) {
			pc.month(202601, pc.hp, shares(20, 18))
		}, now: march10},
		{name: "no last year: the level so far", fill: func(t *testing.T, pc projectionCase) {
			pc.month(202601, pc.hp, shares(100, 80))
			pc.month(202602, pc.hp, shares(100, 90))
		}, now: march10, want: fp(85), soFar: 85, wideSE: true},
		{name: "last year's seasonal shift", fill: func(t *testing.T, pc projectionCase) {
			pc.month(202601, pc.hp, shares(100, 85))
			pc.month(202602, pc.hp, shares(100, 85))
			for m := 1; m <= 12; m++ {
				if m <= 3 {
					pc.month(202500+m, pc.hp, shares(50, 40)) // 80 % in January to March
				} else {
					pc.month(202500+m, pc.hp, shares(50, 45)) // 90 % after
				}
			}
		}, now: march10, want: fp(85 + left*10), seasonal: fp(10), soFar: 85, wideSE: true},
		{name: "the former units of the territory count", fill: func(t *testing.T, pc projectionCase) {
			pc.month(202601, pc.hp, shares(50, 40))
			hd := unitOn(t, pc.all, "30", "2025-03-01").ID // Hải Dương, merged into Hải Phòng
			pc.month(202503, hd, shares(10, 10))
			pc.month(202601, hd, shares(50, 50)) // a late import under the former code
		}, now: march10, want: fp(90), soFar: 90, wideSE: true},
		{name: "the year is over: the figure itself", fill: func(t *testing.T, pc projectionCase) {
			for m := 1; m <= 12; m++ {
				pc.month(202600+m, pc.hp, shares(40, 34))
			}
		}, now: time.Date(2027, 1, 5, 9, 0, 0, 0, VietnamTime()), want: fp(85), soFar: 85, exactSoFar: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := newProjectionCase(t)
			tt.fill(t, pc)
			p := project(t, pc, tt.now, "31")
			assertPtr(t, "projection", p.SIPAS, tt.want)
			assertPtr(t, "seasonal shift", p.Seasonal, tt.seasonal)
			if tt.want == nil {
				if p.RankLikely != [2]int{} || p.Rank != 0 {
					t.Errorf("rank %d, likely %v without a projection", p.Rank, p.RankLikely)
				}
				return
			}
			assertPtr(t, "so far", p.SoFar.SIPAS, fp(tt.soFar))
			if tt.wideSE && !(p.SE > p.SoFar.SE) {
				t.Errorf("SE %v not above the year so far's %v", p.SE, p.SoFar.SE)
			}
			if tt.exactSoFar && !near(p.SE, p.SoFar.SE, 1e-12) {
				t.Errorf("SE %v, want the year's own %v", p.SE, p.SoFar.SE)
			}
			if ci := CI(*p.SIPAS, p.SE); ci != p.CI95 {
				t.Errorf("CI %v, want %v", p.CI95, ci)
			}
		})
	}
}

// The interval widens honestly: fewer responses, or earlier in the year, give a wider one.
func TestProjectionWidensWithLessData(t *testing.T) {
	se := func(n int, now time.Time) float64 {
		pc := newProjectionCase(t)
		for m := 202601; m <= MonthKey(now) && m <= 202612; m++ {
			pc.month(m, pc.hp, shares(n, n*17/20))
		}
		return project(t, pc, now, "31").SE
	}
	small, large := se(40, march10), se(400, march10)
	if !(small > large) {
		t.Errorf("SE with 40 a month %v, with 400 a month %v: want the first wider", small, large)
	}
	spring, autumn := se(100, march10), se(100, time.Date(2026, 10, 20, 9, 0, 0, 0, VietnamTime()))
	if !(spring > autumn) {
		t.Errorf("SE in March %v, in October %v: want March wider", spring, autumn)
	}
}

// τ comes from how the months of the last year varied beyond sampling.
func TestProjectionMonthSpread(t *testing.T) {
	pc := newProjectionCase(t)
	for i, m := range []int{202504, 202505, 202506, 202507, 202508, 202509, 202510, 202511, 202512, 202601, 202602} {
		sat := 800
		if i%2 == 1 {
			sat = 900 // months of 80 % and 90 %: a spread of about 5.2 points beyond sampling
		}
		pc.month(m, pc.hp, shares(1000, sat))
	}
	tau := official.monthSpread(pc.in.Units[pc.hp-1], pc.in.Months, 202603, 30)
	if tau < 4.5 || tau > 5.5 {
		t.Errorf("τ = %v, want about 5.2", tau)
	}
	pc2 := newProjectionCase(t)
	pc2.month(202601, pc2.hp, shares(1000, 850))
	if tau := official.monthSpread(pc2.in.Units[pc2.hp-1], pc2.in.Months, 202603, 30); tau != defaultMonthSpread {
		t.Errorf("τ with one month = %v, want the default %v", tau, defaultMonthSpread)
	}
}

func TestProjectionCalibration(t *testing.T) {
	pc := newProjectionCase(t)
	hp2024 := unitOn(t, pc.all, "31", "2024-06-01").ID
	pc.month(202601, pc.hp, shares(100, 85))
	pc.month(202601, pc.hn, shares(100, 80))
	pc.in.Years[2024] = map[uint]*Tally{hp2024: shares(100, 80), unitOn(t, pc.all, "01", "2024-06-01").ID: shares(100, 86)}
	pc.in.Years[2025] = map[uint]*Tally{pc.hp: shares(100, 82)}
	pc.in.Official = []OfficialResult{{2024, "31", 83}, {2025, "31", 86}, {2023, "31", 88.09}}
	r := pc.in.Project(march10, ProjectionRules{MinSample: 30, Draws: 1000, Seed: 1})
	hp, _ := r.Of("31")
	// Gaps 83 − 80 = 3 (2024) and 86 − 82 = 4 (2025); 2023 has no figure of ours.
	want := Calibration{Basis: BasisProvince, Years: 2, Gap: 3.5, SD: 1}
	if hp.Calibration != want {
		t.Errorf("Hải Phòng calibration %+v, want %+v", hp.Calibration, want)
	}
	assertPtr(t, "calibrated", hp.Calibrated, fp(*hp.SIPAS+3.5))
	if len(hp.History) != 3 || hp.History[0].Year != 2023 || hp.History[0].Gap != nil || *hp.History[2].Gap != 4 {
		t.Errorf("history %+v", hp.History)
	}
	if !(hp.CalibratedCI[1]-hp.CalibratedCI[0] > hp.CI95[1]-hp.CI95[0]) {
		t.Errorf("calibrated interval %v not wider than %v", hp.CalibratedCI, hp.CI95)
	}
	// Hà Nội has no official figure of its own: the national gap of 2024, 83.94 − the
	// mean of our provinces (80 and 86), on one year.
	hn, _ := r.Of("01")
	if hn.Calibration.Basis != BasisNational || hn.Calibration.Years != 1 || !near(hn.Calibration.Gap, 83.94-83, 1e-9) ||
		hn.Calibration.SD != assumedGapSD {
		t.Errorf("Hà Nội calibration %+v", hn.Calibration)
	}
	// A province without any year of ours beside an official one has no calibration.
	pc.in.Years = map[int]map[uint]*Tally{}
	pc.in.Official = nil
	hp, _ = pc.in.Project(march10, ProjectionRules{MinSample: 30, Draws: 1000, Seed: 1}).Of("31")
	if hp.Calibrated != nil || hp.Calibration.Years != 0 {
		t.Errorf("calibrated %v on %+v without data", show(hp.Calibrated), hp.Calibration)
	}
}

func TestProjectionRanks(t *testing.T) {
	pc := newProjectionCase(t)
	day := "2026-03-10"
	levels := map[string]int{"01": 700, "31": 880, "48": 885, "79": 950, "22": 600}
	for code, sat := range levels {
		pc.month(202601, unitOn(t, pc.all, code, day).ID, shares(1000, sat))
	}
	r := pc.in.Project(march10, ProjectionRules{MinSample: 30, Draws: 4000, Seed: 7})
	tests := []struct {
		code   string
		rank   int
		likely [2]int
	}{
		{"79", 1, [2]int{1, 1}},
		{"48", 2, [2]int{2, 3}}, // 88.5 and 88.0 with SE about 1: either order
		{"31", 3, [2]int{2, 3}},
		{"01", 4, [2]int{4, 4}},
		{"22", 5, [2]int{5, 5}},
		{"02", 0, [2]int{}}, // no responses: no rank
	}
	for _, tt := range tests {
		p, _ := r.Of(tt.code)
		if p.Rank != tt.rank || p.RankLikely != tt.likely {
			t.Errorf("%s: rank %d, likely %v; want %d, %v", tt.code, p.Rank, p.RankLikely, tt.rank, tt.likely)
		}
	}
	again := pc.in.Project(march10, ProjectionRules{MinSample: 30, Draws: 4000, Seed: 7})
	a, _ := r.Of("31")
	b, _ := again.Of("31")
	for i := range a.Odds.Prob {
		if a.Odds.Prob[i] != b.Odds.Prob[i] {
			t.Fatalf("the simulation is not deterministic: %v then %v", a.Odds.Prob, b.Odds.Prob)
		}
	}
}

func TestSimulateRanks(t *testing.T) {
	tests := []struct {
		name   string
		means  []float64
		sds    []float64
		first  []float64 // each unit's probability of rank 1
		likely [][2]int
	}{
		{"far apart", []float64{90, 80}, []float64{0.5, 0.5}, []float64{1, 0}, [][2]int{{1, 1}, {2, 2}}},
		{"equal", []float64{85, 85}, []float64{1, 1}, []float64{0.5, 0.5}, [][2]int{{1, 2}, {1, 2}}},
		// one SE apart: P(first) = Φ(1/√2) ≈ 0.760
		{"one SE apart", []float64{86, 85}, []float64{1, 1}, []float64{0.760, 0.240}, [][2]int{{1, 2}, {1, 2}}},
		{"none", nil, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			odds := SimulateRanks(tt.means, tt.sds, RankDraws, 3)
			if len(odds) != len(tt.means) {
				t.Fatalf("%d odds for %d units", len(odds), len(tt.means))
			}
			for i, o := range odds {
				sum := 0.0
				for _, p := range o.Prob {
					sum += p
				}
				if !near(sum, 1, 1e-9) {
					t.Errorf("unit %d: probabilities add up to %v", i, sum)
				}
				if !near(o.Prob[0], tt.first[i], 0.015) {
					t.Errorf("unit %d: P(rank 1) = %v, want %v", i, o.Prob[0], tt.first[i])
				}
				if got := o.Likely(); got != tt.likely[i] {
					t.Errorf("unit %d: likely %v, want %v", i, got, tt.likely[i])
				}
			}
		})
	}
}

func TestRankOdds(t *testing.T) {
	tests := []struct {
		prob   []float64
		likely [2]int
		mode   int
	}{
		{[]float64{1}, [2]int{1, 1}, 1},
		{[]float64{0.05, 0.6, 0.3, 0.05}, [2]int{2, 3}, 2},
		{[]float64{0.1, 0.1, 0.1, 0.7}, [2]int{1, 4}, 4},
		{[]float64{0, 0, 0.5, 0.5}, [2]int{3, 4}, 3},
		{nil, [2]int{0, 0}, 0},
	}
	for _, tt := range tests {
		o := RankOdds{Prob: tt.prob}
		if got := o.Likely(); got != tt.likely {
			t.Errorf("%v: likely %v, want %v", tt.prob, got, tt.likely)
		}
		if got := o.Mode(); got != tt.mode {
			t.Errorf("%v: mode %d, want %d", tt.prob, got, tt.mode)
		}
	}
}
