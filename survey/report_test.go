package survey

import (
	"math"
	"reflect"
	"testing"
)

// repeat tallies n copies of s.
func repeat(n int, s Submission) []Submission {
	out := make([]Submission, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestNationalReport(t *testing.T) {
	all := stored()
	before, after := "2025-03-15", "2025-12-31"
	id := func(code, day string) uint { return unitOn(t, all, code, day).ID }
	counts := map[uint]*Tally{
		// Before 1 July 2025, in former provinces.
		id("30", before): tallyOf(allCriteria(5)), // Hải Dương → Hải Phòng
		id("31", before): tallyOf(allCriteria(2)), // former Hải Phòng → Hải Phòng
		id("74", before): tallyOf(allCriteria(4)), // Bình Dương → Hồ Chí Minh City
		// After, in the new ones.
		id("31", after): tallyOf(repeat(2, allCriteria(4))...),
		id("01", after): tallyOf(allCriteria(4)),
		id("22", after): tallyOf(allCriteria(5)),
		id("79", after): tallyOf(repeat(2, allCriteria(2))...),
	}
	r := official.NationalReport(all, counts, YearPeriod(2025), mustDay(t, after))
	if dayString(r.Day) != after || r.Period.String() != "2025" {
		t.Errorf("report of %s on %s", r.Period, r.Day)
	}
	if len(r.Units) != 34 {
		t.Fatalf("%d units, want 34", len(r.Units))
	}
	// Hải Phòng: 5, 2, 4, 4 → 3/4 satisfied on every criterion = 75; scores 1, 0, 1, 1 → SE 25.
	// Hồ Chí Minh City: 4, 2, 2 → 1/3; scores 1, 0, 0 → SE 100·√(1/3)/√3 = 100/3.
	// Hà Nội and Quảng Ninh: one satisfied response each → 100, SE 50 (one response).
	type row struct {
		code      string
		responses int64
		sipas     *float64
		rank      int
		se        float64
	}
	want := []row{
		{"01", 1, fp(100), 1, 50},
		{"22", 1, fp(100), 1, 50},
		{"31", 4, fp(75), 3, 25},
		{"79", 3, fp(100.0 / 3), 4, 100.0 / 3},
	}
	for i, w := range want {
		u := r.Units[i]
		if u.Unit.Code != w.code || u.Unit.ValidFrom != "2025-07-01" || u.Rank != w.rank || u.Index.Responses != w.responses {
			t.Errorf("row %d = %s (from %s) rank %d, %d responses; want %s rank %d, %d responses",
				i, u.Unit.Code, u.Unit.ValidFrom, u.Rank, u.Index.Responses, w.code, w.rank, w.responses)
		}
		assertPtr(t, "SIPAS of "+w.code, u.Index.SIPAS, w.sipas)
		if !near(u.Index.SE, w.se, 1e-9) {
			t.Errorf("SE of %s = %v, want %v", w.code, u.Index.SE, w.se)
		}
	}
	// Provinces without counts: no SIPAS, rank 0, after the ranked ones, by code.
	prev := ""
	for _, u := range r.Units[len(want):] {
		if u.Index.SIPAS != nil || u.Rank != 0 || u.Index.Responses != 0 {
			t.Errorf("unit %s without counts: rank %d, SIPAS %v", u.Unit.Code, u.Rank, show(u.Index.SIPAS))
		}
		if len(u.Index.Criteria) != 22 || len(u.Index.Elements) != 5 {
			t.Errorf("unit %s index lacks its rows", u.Unit.Code)
		}
		if u.Unit.Code <= prev {
			t.Errorf("unranked units not ordered by code: %s after %s", u.Unit.Code, prev)
		}
		prev = u.Unit.Code
	}
	hp := r.Units[2].Index
	for _, c := range hp.Criteria {
		if c.Answered != 4 || c.Satisfied != 3 {
			t.Errorf("Hải Phòng %s = %d/%d", c.Code, c.Satisfied, c.Answered)
		}
	}
	// The national average is the unweighted mean of the provinces' SIPAS …
	avg := (100 + 100 + 75 + 100.0/3) / 4 // 77.083…
	assertPtr(t, "Average", r.Average, fp(avg))
	wantCI := CI(avg, math.Sqrt(50*50+50*50+25*25+100.0/3*100.0/3)/4)
	if !near(r.AverageCI[0], wantCI[0], 1e-9) || !near(r.AverageCI[1], wantCI[1], 1e-9) {
		t.Errorf("AverageCI = %v, want %v", r.AverageCI, wantCI)
	}
	// … and the pooled index counts every response once: 9 responses, 6 satisfied ones.
	if r.Pooled.Responses != 9 {
		t.Errorf("pooled responses = %d, want 9", r.Pooled.Responses)
	}
	assertPtr(t, "Pooled SIPAS", r.Pooled.SIPAS, fp(200.0/3))
	if math.Abs(*r.Average-*r.Pooled.SIPAS) < 10 {
		t.Errorf("average %v and pooled %v should differ with unequal samples", *r.Average, *r.Pooled.SIPAS)
	}
	// Scores: six 1s and three 0s → sd √((6 − 4)/8) = 0.5, SE = 50/3.
	if !near(r.Pooled.SE, 50.0/3, 1e-9) {
		t.Errorf("pooled SE = %v, want %v", r.Pooled.SE, 50.0/3)
	}
	// The counts were not modified by the merge.
	if counts[id("31", after)].Responses != 2 || counts[id("30", before)].Responses != 1 {
		t.Error("NationalReport modified the counts it was given")
	}
}

func TestNationalReportFormerUnits(t *testing.T) {
	all := stored()
	day := "2024-12-31"
	id := func(code string) uint { return unitOn(t, all, code, day).ID }
	counts := map[uint]*Tally{
		id("30"): tallyOf(allCriteria(5), allCriteria(4)),            // 100
		id("31"): tallyOf(allCriteria(4), allCriteria(1)),            // 50
		id("22"): tallyOf(allCriteria(4), allCriteria(5)),            // 100
		id("74"): tallyOf(sub(map[string]int{"E1.1": 3, "E2.1": 5})), // E1 0, E2 100 → 50
	}
	r := official.NationalReport(all, counts, YearPeriod(2024), mustDay(t, day))
	if len(r.Units) != 63 {
		t.Fatalf("%d units in 2024, want 63", len(r.Units))
	}
	// A later unit's counts cannot be split back onto the former units.
	withLater := map[uint]*Tally{unitOn(t, all, "31", "2025-07-01").ID: tallyOf(allCriteria(5))}
	for k, v := range counts {
		withLater[k] = v
	}
	r2 := official.NationalReport(all, withLater, YearPeriod(2024), mustDay(t, day))
	var inUnits int64
	for _, u := range r2.Units {
		inUnits += u.Index.Responses
	}
	if inUnits != 7 {
		t.Errorf("units hold %d responses, want the 7 of former units", inUnits)
	}
	assertPtr(t, "Average with a later unit", r2.Average, fp(75))
	got := map[string]int{}
	for _, u := range r.Units[:4] {
		got[u.Unit.Code] = u.Rank
		if u.Unit.ValidUntil != "2025-06-30" {
			t.Errorf("unit %s is not a former unit", u.Unit.Code)
		}
	}
	if want := map[string]int{"22": 1, "30": 1, "31": 3, "74": 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("ranks = %v, want %v", got, want)
	}
	if r.Units[0].Unit.Code != "22" || r.Units[1].Unit.Code != "30" || r.Units[2].Unit.Code != "31" || r.Units[3].Unit.Code != "74" {
		t.Errorf("order = %s %s %s %s", r.Units[0].Unit.Code, r.Units[1].Unit.Code, r.Units[2].Unit.Code, r.Units[3].Unit.Code)
	}
	assertPtr(t, "Average", r.Average, fp(75))
	// Pooled: 7 responses; each criterion of the full responses 5/6 satisfied, E1.1 5/7 and
	// E2.1 6/7 with the partial one.
	if r.Pooled.Responses != 7 {
		t.Errorf("pooled responses = %d", r.Pooled.Responses)
	}
	assertPtr(t, "pooled E1.1", criterionByCode(t, r.Pooled, "E1.1").Index, fp(500.0/7))
	assertPtr(t, "pooled E2.1", criterionByCode(t, r.Pooled, "E2.1").Index, fp(600.0/7))
	assertPtr(t, "pooled E1.2", criterionByCode(t, r.Pooled, "E1.2").Index, fp(500.0/6))
	// E1 = (500/7 + 3·500/6)/4, E2 = (600/7 + 4·500/6)/5, E3–E5 = 500/6
	e1 := (500.0/7 + 3*500.0/6) / 4
	e2 := (600.0/7 + 4*500.0/6) / 5
	assertPtr(t, "pooled SIPAS", r.Pooled.SIPAS, fp((e1+e2+3*500.0/6)/5))
}

func TestNationalReportUnitsCurrent(t *testing.T) {
	// units=current: a 2024 period shown on today's provinces.
	all := stored()
	day := "2024-06-30"
	id := func(code string) uint { return unitOn(t, all, code, day).ID }
	counts := map[uint]*Tally{
		id("30"): tallyOf(allCriteria(5)),
		id("31"): tallyOf(allCriteria(1)),
		id("77"): tallyOf(allCriteria(4)),
	}
	r := official.NationalReport(all, counts, YearPeriod(2024), mustDay(t, "2026-02-01"))
	if len(r.Units) != 34 {
		t.Fatalf("%d units, want 34", len(r.Units))
	}
	if r.Units[0].Unit.Code != "79" || r.Units[0].Rank != 1 || r.Units[1].Unit.Code != "31" || r.Units[1].Rank != 2 {
		t.Errorf("top = %s(%d) %s(%d)", r.Units[0].Unit.Code, r.Units[0].Rank, r.Units[1].Unit.Code, r.Units[1].Rank)
	}
	assertPtr(t, "Hải Phòng", r.Units[1].Index.SIPAS, fp(50))
	assertPtr(t, "Average", r.Average, fp(75))
	assertPtr(t, "Pooled", r.Pooled.SIPAS, fp(200.0/3))
}

func TestNationalReportEmpty(t *testing.T) {
	r := official.NationalReport(stored(), nil, YearPeriod(2025), mustDay(t, "2025-12-31"))
	if len(r.Units) != 34 || r.Average != nil || r.Pooled.SIPAS != nil || r.Pooled.Responses != 0 {
		t.Fatalf("empty report = %d units, average %v, pooled %v", len(r.Units), show(r.Average), show(r.Pooled.SIPAS))
	}
	for i, u := range r.Units {
		if u.Rank != 0 || u.Index.SIPAS != nil {
			t.Errorf("unit %s ranked without responses", u.Unit.Code)
		}
		if i > 0 && r.Units[i-1].Unit.Code >= u.Unit.Code {
			t.Errorf("units not ordered by code")
		}
	}
}

func TestSortByRank(t *testing.T) {
	type item struct {
		name string
		rank int
	}
	items := []item{{"d", 0}, {"c", 2}, {"a", 0}, {"b", 1}, {"e", 2}, {"x", 4}, {"f", 1}}
	SortByRank(items, func(i item) (int, string) { return i.rank, i.name })
	var got []string
	for _, i := range items {
		got = append(got, i.name)
	}
	if want := []string{"b", "f", "c", "e", "x", "a", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SortByRank = %v, want %v", got, want)
	}
}
