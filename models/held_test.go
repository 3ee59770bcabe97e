package models

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sipas/survey"
)

// Held responses are stored but change no count until an administrator includes them;
// responses held after they were counted have their counts taken back out; the kept
// counts always verify against the counted responses.
func TestHeldResponses(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		at := vn(2026, 3, 10, 9, 0)
		var batch []NewResponse
		for i := range 3 {
			batch = append(batch, f.response(fmt.Sprintf("ok-%d", i), f.a1, at, "land", nil, "E1.1", 5))
		}
		for i := range 4 {
			r := f.response(fmt.Sprintf("burst-%d", i), f.a1, at.Add(time.Second), "land", nil, "E1.1", 1)
			r.Held = []string{string(survey.HoldBurst)}
			batch = append(batch, r)
		}
		night := f.response("night", f.a2, vn(2026, 3, 10, 23, 0), "", nil, "E1.1", 4)
		night.Held = []string{string(survey.HoldHours)}
		batch = append(batch, night)
		f.submit(t, batch...)
		month := TallyQuery{Period: survey.MonthPeriod(2026, 3), GroupBy: ByProvince}
		counted := func() int64 {
			t.Helper()
			return f.tallies(t, month)[itoa(f.provA.ID)].Responses
		}
		if n := counted(); n != 3 || f.count(t, "responses") != 8 {
			t.Fatalf("%d counted of %d stored, want 3 of 8", n, f.count(t, "responses"))
		}
		verifyClean(t, s, "held")
		p := survey.MonthPeriod(2026, 3)
		hc, err := s.HeldCounts(ctx, HeldFilter{Scope: AllProvinces(), Period: &p})
		if err != nil || hc.Pending != 5 || hc.ByReason["burst"] != 4 || hc.ByReason["hours"] != 1 {
			t.Fatalf("held counts %+v (%v)", hc, err)
		}
		if byCounter, err := s.PendingHeld(ctx, HeldFilter{Scope: AllProvinces(), Period: &p}, ByCounter); err != nil ||
			byCounter[f.a1.ID] != 4 || byCounter[f.a2.ID] != 1 {
			t.Errorf("held by counter %v (%v)", byCounter, err)
		}
		// Two counted ones turn out to be part of a burst.
		if n, err := s.HoldStored(ctx, []string{"ok-0", "ok-1", "burst-0", "nope"}, []string{"burst"}); err != nil || n != 2 {
			t.Fatalf("HoldStored: %d, %v", n, err)
		}
		if n := counted(); n != 1 {
			t.Errorf("%d counted after holding two, want 1", n)
		}
		verifyClean(t, s, "held")
		// Holding the last counted one of its rows removes those rows.
		if n, err := s.HoldStored(ctx, []string{"ok-2"}, []string{"burst"}); err != nil || n != 1 {
			t.Fatalf("HoldStored: %d, %v", n, err)
		}
		if got := f.tallies(t, month); len(got) != 0 {
			t.Errorf("counts left: %v", got)
		}
		verifyClean(t, s, "held")

		groups, err := s.HeldGroups(ctx, HeldFilter{Scope: AllProvinces()})
		if err != nil || len(groups) != 2 {
			t.Fatalf("groups %+v (%v)", groups, err)
		}
		for _, sc := range []struct {
			scope Scope
			n     int
		}{{Scope{ProvinceIDs: []uint{f.provA.ID}}, 2}, {Scope{ProvinceIDs: []uint{f.provB.ID}}, 0},
			{Scope{ProvinceIDs: []uint{f.provA.ID}, OfficeIDs: []uint{f.officeA.ID}}, 2}} {
			if got, err := s.HeldGroups(ctx, HeldFilter{Scope: sc.scope}); err != nil || len(got) != sc.n {
				t.Errorf("groups in scope %+v: %d (%v), want %d", sc.scope, len(got), err, sc.n)
			}
		}
		burst := groups[0]
		if burst.CounterCode != "a1" || burst.N != 7 || burst.Reasons != "burst" {
			burst = groups[1]
		}
		if burst.CounterCode != "a1" || burst.N != 7 || burst.OfficeName != "Office A" {
			t.Fatalf("the burst group %+v", burst)
		}
		by := Actor{Name: "root", Addr: "test", Now: at.Add(time.Hour)}
		// Out of scope: nothing.
		if n, err := s.ReviewHeld(ctx, burst.HeldKey, true, Scope{ProvinceIDs: []uint{f.provB.ID}}, by); err != nil || n != 0 {
			t.Errorf("reviewed out of scope: %d, %v", n, err)
		}
		if n, err := s.ReviewHeld(ctx, burst.HeldKey, true, AllProvinces(), by); err != nil || n != 7 {
			t.Fatalf("include: %d, %v", n, err)
		}
		if n := counted(); n != 7 {
			t.Errorf("%d counted after including 7", n)
		}
		verifyClean(t, s, "held")
		if n, err := s.ReviewHeld(ctx, burst.HeldKey, true, AllProvinces(), by); err != nil || n != 0 {
			t.Errorf("included twice: %d, %v", n, err)
		}
		night0 := groups[0]
		if night0.Reasons != "hours" {
			night0 = groups[1]
		}
		if n, err := s.ReviewHeld(ctx, night0.HeldKey, false, AllProvinces(), by); err != nil || n != 1 {
			t.Fatalf("exclude: %d, %v", n, err)
		}
		if n := counted(); n != 7 || f.count(t, "responses") != 8 {
			t.Errorf("%d counted of %d stored after excluding one", n, f.count(t, "responses"))
		}
		verifyClean(t, s, "held")
		if hc, _ := s.HeldCounts(ctx, HeldFilter{Scope: AllProvinces()}); hc.Pending != 0 || hc.Included != 7 || hc.Excluded != 1 {
			t.Errorf("held counts after review %+v", hc)
		}
		if ev := auditOf(t, s, "held.include"); len(ev) != 1 || ev[0].After != `{"responses":7,"state":"included"}` {
			t.Errorf("audit %+v", ev)
		}
		if ev := auditOf(t, s, "held.exclude"); len(ev) != 1 {
			t.Errorf("%d exclude events", len(ev))
		}
	})
}

func TestHoldRulesSetting(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if r, err := s.HoldRules(ctx); err != nil || r.BurstCount != survey.DefaultHoldRules().BurstCount {
			t.Fatalf("default rules %+v (%v)", r, err)
		}
		r := survey.DefaultHoldRules()
		r.BurstCount, r.OutsideHours = 20, true
		if err := s.SetHoldRules(ctx, r, Actor{Name: "root", Now: t0}); err != nil {
			t.Fatal(err)
		}
		got, err := s.HoldRules(ctx)
		if err != nil || got.BurstCount != 20 || !got.OutsideHours {
			t.Errorf("rules %+v (%v)", got, err)
		}
		if ev := auditOf(t, s, "held.rules"); len(ev) != 1 {
			t.Errorf("%d audit events", len(ev))
		}
	})
}
