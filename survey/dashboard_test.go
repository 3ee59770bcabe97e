package survey

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestUnitsInto(t *testing.T) {
	all := stored()
	codes := func(units []Unit) []string {
		var out []string
		for _, u := range units {
			out = append(out, u.Code+"@"+u.ValidFrom)
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		code, day string
		want      []string
	}{
		// Hải Phòng since 1 July 2025: itself, the former Hải Phòng and Hải Dương.
		{"31", "2026-01-01", []string{"30@2008-08-01", "31@2008-08-01", "31@2025-07-01"}},
		// Ninh Bình took over Hà Nam and Nam Định.
		{"37", "2026-01-01", []string{"35@2008-08-01", "36@2008-08-01", "37@2008-08-01", "37@2025-07-01"}},
		// Before the merger a unit is only itself.
		{"31", "2024-06-30", []string{"31@2008-08-01"}},
		{"30", "2024-06-30", []string{"30@2008-08-01"}},
	}
	for _, tt := range tests {
		got := codes(UnitsInto(all, unitOn(t, all, tt.code, tt.day)))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("UnitsInto(%s on %s) = %v, want %v", tt.code, tt.day, got, tt.want)
		}
	}
	// Every former unit goes into exactly one current one.
	seen := map[uint]int{}
	for _, u := range UnitsOn(all, "2026-01-01") {
		for _, f := range UnitsInto(all, u) {
			seen[f.ID]++
		}
	}
	if len(seen) != 97 {
		t.Errorf("%d units covered, want all 97", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("unit %d in %d current units", id, n)
		}
	}
}

func TestChangeAndOverlaps(t *testing.T) {
	assertPtr(t, "change", Change(fp(80), fp(75.5)), fp(4.5))
	assertPtr(t, "change without before", Change(fp(80), nil), nil)
	assertPtr(t, "change without now", Change(nil, fp(1)), nil)
	got := AdjacentOverlaps([]Interval{{80, 90}, {85, 88}, {70, 84.9}, {60, 70}, {10, 20}})
	want := []bool{true, false, true, false, false}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("overlaps %v, want %v", got, want)
	}
	if AdjacentOverlaps(nil) == nil || len(AdjacentOverlaps(nil)) != 0 {
		t.Error("no intervals, no overlaps")
	}
	if p := PublishedAverages(); len(p) != 3 || p[1] != (Published{2023, 82.66}) {
		t.Errorf("published %v", p)
	}
}

func TestSampleAdequacy(t *testing.T) {
	tests := []struct {
		annual    int64
		days      int
		responses int64
		want      Adequacy
	}{
		// 3,650 a year over a year: N = 3650, n = 3650 / (1 + 3650 · 0.0025) = 360.5 → 361.
		{3650, 365, 360, Adequacy{Configured: true, Dossiers: 3650, Needed: 361, Responses: 360}},
		{3650, 365, 361, Adequacy{Configured: true, Dossiers: 3650, Needed: 361, Responses: 361, Reached: true}},
		// A quarter of 90 days: 3650 · 90/365 = 900 → 900 / 3.25 = 276.9 → 277.
		{3650, 90, 300, Adequacy{Configured: true, Dossiers: 900, Needed: 277, Responses: 300, Reached: true}},
		// Not configured.
		{0, 365, 1000, Adequacy{Responses: 1000}},
		{-5, 365, 1000, Adequacy{Responses: 1000}},
	}
	for _, tt := range tests {
		if got := SampleAdequacy(tt.annual, tt.days, tt.responses); got != tt.want {
			t.Errorf("SampleAdequacy(%d, %d, %d) = %+v, want %+v", tt.annual, tt.days, tt.responses, got, tt.want)
		}
	}
}

func TestQuestionShares(t *testing.T) {
	p2, _ := official.Question("P2")
	tally := NewTally()
	tally.AddOption("P2", "no", 3)
	tally.AddOption("P2", "yes", 1)
	tally.AddOption("P2", "maybe", 7) // no longer an option: left out
	qs := p2.Shares(tally)
	if qs.Code != "P2" || qs.Answered != 4 || len(qs.Options) != 2 {
		t.Fatalf("%+v", qs)
	}
	yes := qs.Option("yes")
	assertPtr(t, "yes share", yes.Share, fp(25))
	if yes.N != 1 || yes.CI95 != Wilson(1, 4) {
		t.Errorf("yes %+v", yes)
	}
	empty := p2.Shares(nil)
	if empty.Answered != 0 || empty.Options[0].Share != nil || empty.Option("nothing").Value != "nothing" {
		t.Errorf("empty %+v", empty)
	}
}

func TestSyntheticSetIsDeterministic(t *testing.T) {
	all := stored()
	places := UnitsOn(all, "2026-01-01")
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, VietnamTime())
	a := official.NewSyntheticSet(all, places, 7, end.AddDate(-2, 0, 0), end)
	b := official.NewSyntheticSet(all, places, 7, end.AddDate(-2, 0, 0), end)
	whole := a.Batch(0, 300)
	parts := append(b.Batch(0, 100), b.Batch(100, 300)...)
	if !reflect.DeepEqual(whole, parts) {
		t.Fatal("the same responses must come out whatever the batches")
	}
	for _, r := range whole {
		day := r.At.In(VietnamTime()).Format("2006-01-02")
		if !r.Unit.ValidOn(day) {
			t.Errorf("response %d on %s in unit %s valid %s–%s", r.Index, day, r.Unit.Code, r.Unit.ValidFrom, r.Unit.ValidUntil)
		}
		if s, ok := Successor(r.Unit, []Unit{a.Places[r.Place].Unit}); !ok || s.ID != a.Places[r.Place].Unit.ID {
			t.Errorf("response %d: unit %s is not on the territory of %s", r.Index, r.Unit.Code, a.Places[r.Place].Unit.Code)
		}
		if r.At.Before(a.Start) || !r.At.Before(a.End) {
			t.Errorf("response %d at %s outside the span", r.Index, r.At)
		}
	}
	if (&SyntheticSet{}).Batch(0, 10) != nil {
		t.Error("a set without places makes nothing")
	}
}
