package models

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"sipas/survey"
)

// The cached Tallies must give what a direct read of the kept counts gives, before and
// after more responses arrive in a month it has kept.
func TestTalliesCacheMatchesDirectReads(t *testing.T) {
	for _, tdb := range testDBs() {
		t.Run(tdb.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(tdb.fresh(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, err := s.EnsureReferenceData(ctx, survey.OfficialUnits(), survey.OfficialQuestionnaireJSON()); err != nil {
				t.Fatal(err)
			}
			qrow, q, err := s.PublishedQuestionnaire(ctx, "sipas-counter")
			if err != nil {
				t.Fatal(err)
			}
			all, err := s.Units(ctx)
			if err != nil {
				t.Fatal(err)
			}
			places := survey.UnitsOn(all, "2026-01-01")[:4]
			counters := make([]Counter, len(places))
			for i, u := range places {
				office, err := s.EnsureOffice(ctx, u.ID, "o"+u.Code, "office "+u.Code)
				if err != nil {
					t.Fatal(err)
				}
				if counters[i], err = s.EnsureCounter(ctx, office, "c"+u.Code, "counter "+u.Code); err != nil {
					t.Fatal(err)
				}
			}
			end := time.Date(2026, 3, 1, 0, 0, 0, 0, survey.VietnamTime())
			set := q.NewSyntheticSet(all, places, 3, end.AddDate(-1, -2, 0), end)
			submit := func(from, to int, at func(survey.SyntheticResponse) time.Time) {
				t.Helper()
				var batch []NewResponse
				for _, r := range set.Batch(from, to) {
					when := at(r)
					unit, _ := survey.UnitAt(all, places[r.Place].Code, when.In(survey.VietnamTime()).Format("2006-01-02"))
					batch = append(batch, NewResponse{UUID: fmt.Sprintf("cache-%d", r.Index), Counter: counters[r.Place],
						ProvinceID: unit.ID, QuestionnaireID: qrow.ID, Channel: ChannelKiosk, SubmittedAt: when,
						Submission: r.Submission, Tally: q.Tally(r.Submission)})
				}
				if _, err := s.SubmitResponses(ctx, batch); err != nil {
					t.Fatal(err)
				}
			}
			submit(0, 400, func(r survey.SyntheticResponse) time.Time { return r.At })

			year := survey.YearPeriod(2025)
			span, _ := survey.ParsePeriod(survey.PeriodQuery{From: "2025-05-15", To: "2025-08-20"}, end)
			scope := Scope{ProvinceIDs: survey.UnitIDs(survey.UnitsInto(all, places[1]))}
			queries := []TallyQuery{
				{Period: year, GroupBy: ByProvince, Lean: true},
				{Period: year, GroupBy: ByProvince},
				{Period: span, GroupBy: ByProvince},
				{Period: span, Scope: scope, GroupBy: ByMonth}, // days from P rows, by month
				{Period: span, GroupBy: ByOffice},              // days from D rows
				{Period: year, Scope: scope, GroupBy: ByMonth},
				{Period: span, Scope: scope, GroupBy: ByField},
				{Period: year, Scope: scope, GroupBy: ByCounter, Field: "land"},
				{Period: survey.QuarterPeriod(2026, 1), GroupBy: ByOffice},
				{Period: year, Scope: Scope{ProvinceIDs: []uint{}}},
			}
			check := func(when string) {
				t.Helper()
				for _, tq := range queries {
					for range 2 { // a cold read, then a warm one
						got, err := s.Tallies(ctx, tq)
						if err != nil {
							t.Fatal(err)
						}
						want, err := s.talliesDirect(ctx, tq)
						if err != nil {
							t.Fatal(err)
						}
						if msg := sameTallies(got, want); msg != "" {
							t.Errorf("%s, %s by %s (scope %v, field %q, lean %t): %s", when, tq.Period, tq.GroupBy, tq.Scope.ProvinceIDs, tq.Field, tq.Lean, msg)
						}
					}
				}
			}
			check("first")
			// More responses into a month already kept (an import of paper forms) and into
			// the last month (a kiosk).
			submit(400, 450, func(survey.SyntheticResponse) time.Time {
				return time.Date(2025, 6, 3, 10, 0, 0, 0, survey.VietnamTime())
			})
			submit(450, 500, func(survey.SyntheticResponse) time.Time {
				return time.Date(2026, 2, 27, 10, 0, 0, 0, survey.VietnamTime())
			})
			check("after more responses")
		})
	}
}

// sameTallies compares counts exactly and sums of floats to rounding.
func sameTallies(got, want map[string]*survey.Tally) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d groups, want %d", len(got), len(want))
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	for g, w := range want {
		t := got[g]
		if t == nil {
			return fmt.Sprintf("group %q missing", g)
		}
		if t.Responses != w.Responses || !close(t.SumScore, w.SumScore) || !close(t.SumScore2, w.SumScore2) {
			return fmt.Sprintf("group %q: %d responses, sums %g %g; want %d, %g %g", g, t.Responses, t.SumScore, t.SumScore2, w.Responses, w.SumScore, w.SumScore2)
		}
		if !reflect.DeepEqual(t.Options, w.Options) {
			return fmt.Sprintf("group %q: options %v, want %v", g, t.Options, w.Options)
		}
		if len(t.Criteria) != len(w.Criteria) {
			return fmt.Sprintf("group %q: %d criteria, want %d", g, len(t.Criteria), len(w.Criteria))
		}
		for code, wc := range w.Criteria {
			c := t.Criteria[code]
			if c == nil || c.Values != wc.Values || c.PairN != wc.PairN || !close(c.SumX, wc.SumX) || !close(c.SumXO, wc.SumXO) || !close(c.SumO2, wc.SumO2) {
				return fmt.Sprintf("group %q criterion %s: %+v, want %+v", g, code, c, wc)
			}
		}
	}
	return ""
}

func TestScopedPeriods(t *testing.T) {
	tests := []struct {
		grain    string
		from, to int
		want     []int
	}{
		{"M", 202411, 202502, []int{202411, 202412, 202501, 202502}},
		{"F", 202503, 202503, []int{202503}},
		{"D", 20250130, 20250202, []int{20250130, 20250131, 20250201, 20250202}},
		{"D", 20250201, 20250231, nil}, // filled below: every day key of February's read
		// weeks by their first days (29 February is no day, and has no rows)
		{"W", 20250115, 20250301, []int{20250115, 20250122, 20250129, 20250201, 20250208, 20250215, 20250222, 20250229, 20250301}},
	}
	tests[3].want = make([]int, 0, 31)
	for d := 1; d <= 31; d++ {
		tests[3].want = append(tests[3].want, 20250200+d)
	}
	for _, tt := range tests {
		if got := scopedPeriods(tt.grain, tt.from, tt.to); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("scopedPeriods(%s, %d, %d) = %v, want %v", tt.grain, tt.from, tt.to, got, tt.want)
		}
	}
	if scopedPeriods("M", 200001, 210012) != nil || scopedPeriods("D", 20200101, 20251231) != nil {
		t.Error("long ranges are scanned, not listed")
	}
}

func TestTallyPieces(t *testing.T) {
	prints := map[int]string{202502: "a", 202507: "b"}
	// Counters: one piece for the run of whole months up to the last one with responses,
	// that one apart.
	q := TallyQuery{Period: survey.YearPeriod(2025), GroupBy: ByCounter}
	want := []tallyPiece{{"M", 202501, 202506, 202501, 202506}, {"M", 202507, 202507, 202507, 202507}}
	if got := q.pieces(prints); !reflect.DeepEqual(got, want) {
		t.Errorf("year pieces by counter %v, want %v", got, want)
	}
	// National and province-level figures: each month with responses a piece of its own,
	// shared by every period that covers it.
	for _, g := range []Grouping{ByProvince, ByNone} {
		q = TallyQuery{Period: survey.YearPeriod(2025), GroupBy: g}
		want = []tallyPiece{{"M", 202502, 202502, 202502, 202502}, {"M", 202507, 202507, 202507, 202507}}
		if got := q.pieces(prints); !reflect.DeepEqual(got, want) {
			t.Errorf("year pieces grouped by %q: %v, want %v", g, got, want)
		}
	}
	span, _ := survey.ParsePeriod(survey.PeriodQuery{From: "2025-01-15", To: "2025-03-10"}, time.Now())
	q = TallyQuery{Period: span, GroupBy: ByField}
	want = []tallyPiece{{"F", 202502, 202502, 202502, 202502}, {"D", 20250115, 20250131, 202501, 202501}, {"D", 20250301, 20250310, 202503, 202503}}
	if got := q.pieces(prints); !reflect.DeepEqual(got, want) {
		t.Errorf("span pieces %v, want %v", got, want)
	}
	// No detail below the province: the days are read from grain P, their whole weeks
	// from W (15-21, 22-28, 29-31 January; 1-7 March), else from D.
	q = TallyQuery{Period: span, GroupBy: ByProvince}
	want = []tallyPiece{{"M", 202502, 202502, 202502, 202502}, {"W", 20250115, 20250129, 202501, 202501},
		{"W", 20250301, 20250301, 202503, 202503}, {"P", 20250308, 20250310, 202503, 202503}}
	if got := q.pieces(prints); !reflect.DeepEqual(got, want) {
		t.Errorf("national span pieces %v, want %v", got, want)
	}
	for _, detail := range []TallyQuery{{Period: span, OfficeID: 1}, {Period: span, CounterID: 1}, {Period: span, GroupBy: ByCounter},
		{Period: span, Scope: Scope{OfficeIDs: []uint{1}}}} {
		if got := detail.pieces(prints); got[1].grain != "D" {
			t.Errorf("%+v reads its days from %s", detail, got[1].grain)
		}
	}
	q = TallyQuery{Period: survey.YearPeriod(2024)}
	if got := q.pieces(prints); len(got) != 0 {
		t.Errorf("a year without responses has pieces %v", got)
	}
}

// talliesDirect is Tallies without the cache, the reference the cache is checked
// against: whole months are read from monthly rows, other days from daily rows, each span
// in one statement.
func (s *Store) talliesDirect(ctx context.Context, q TallyQuery) (map[string]*survey.Tally, error) {
	out := map[string]*survey.Tally{}
	db := s.db.WithContext(ctx)
	spans := q.Period.Spans()
	monthGrain := q.monthGrain()
	for _, m := range spans.Months {
		if monthGrain == "D" {
			if err := q.read(db, out, "D", m[0]*100+1, m[1]*100+31); err != nil {
				return nil, err
			}
			continue
		}
		if err := q.read(db, out, monthGrain, m[0], m[1]); err != nil {
			return nil, err
		}
	}
	for _, d := range spans.Days {
		if err := q.read(db, out, "D", d[0], d[1]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// The month fingerprints are answered from memory only for months all read at the
// asked counts version.
func TestPrintsMemo(t *testing.T) {
	var m printsMemo
	m.keep(7, 202501, 202512, map[int]string{202503: "a", 202511: "b"})
	m.keep(7, 202601, 202602, map[int]string{202602: "c"})
	cases := []struct {
		name        string
		version     int64
		first, last int
		want        map[int]string // nil: not known
	}{
		{"inside the first range", 7, 202504, 202511, map[int]string{202511: "b"}},
		{"across both ranges", 7, 202510, 202602, map[int]string{202511: "b", 202602: "c"}},
		{"months without responses", 7, 202504, 202510, map[int]string{}},
		{"a month never read", 7, 202512, 202603, nil},
		{"another version", 8, 202504, 202511, nil},
	}
	for _, c := range cases {
		got, ok := m.lookUp(c.version, c.first, c.last)
		if ok != (c.want != nil) || (ok && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("%s: %v %t, want %v", c.name, got, ok, c.want)
		}
	}
	// A month read again at the same version loses a fingerprint it no longer has; a
	// newer version forgets the rest.
	m.keep(7, 202511, 202511, map[int]string{})
	if got, _ := m.lookUp(7, 202511, 202511); len(got) != 0 {
		t.Errorf("month read again without rows: %v", got)
	}
	m.keep(8, 202601, 202601, map[int]string{})
	if _, ok := m.lookUp(8, 202503, 202503); ok {
		t.Error("a month read at version 7 answered at version 8")
	}
}
