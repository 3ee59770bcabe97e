package models

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sipas/survey"
)

// National and Province read typed counts: numeric keys, named groups.
func TestReportInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		f.submit(t,
			f.response("r1", f.a1, vn(2026, 1, 15, 9, 0), "land", map[string]string{"P2": "yes"}, "E1.1", 5),
			f.response("r2", f.a2, vn(2026, 2, 3, 9, 0), "", nil, "E1.1", 2),
			f.response("r3", f.b1, vn(2026, 2, 3, 9, 0), "land", nil, "E1.1", 4),
			f.response("r4", f.a1, vn(2025, 12, 31, 9, 0), "", nil, "E1.1", 4),
		)
		y2026 := survey.YearPeriod(2026)

		in, err := s.National(ctx, NationalQuery{Questionnaire: "sipas-counter", Period: y2026, Previous: true, Scope: AllProvinces()})
		if err != nil {
			t.Fatal(err)
		}
		if in.Questionnaire.Code != "sipas-counter" || len(in.Units) != 97 || in.Period != y2026 {
			t.Errorf("national input: %s, %d units, %s", in.Questionnaire.Code, len(in.Units), in.Period)
		}
		if len(in.Counts) != 2 || in.Counts[f.provA.ID].Responses != 2 || in.Counts[f.provB.ID].Responses != 1 {
			t.Errorf("counts by province %v", in.Counts)
		}
		if len(in.Previous) != 1 || in.Previous[f.provA.ID].Responses != 1 {
			t.Errorf("previous counts %v", in.Previous)
		}
		if in, _ := s.National(ctx, NationalQuery{Questionnaire: "sipas-counter", Period: y2026, Scope: AllProvinces()}); in.Previous != nil {
			t.Error("previous counts read without being asked for")
		}

		pq := ProvinceQuery{Questionnaire: "sipas-counter", Code: "31", Period: y2026, Day: survey.DayOf(vn(2026, 3, 10, 9, 0)), Scope: AllProvinces()}
		p, err := s.Province(ctx, pq)
		if err != nil {
			t.Fatal(err)
		}
		if p.Unit.ID != f.provA.ID || len(p.Formers) != 2 {
			t.Errorf("province %s with %d formers", p.Unit.Code, len(p.Formers))
		}
		c := p.Counts
		if len(c.Provinces) != 2 || c.Previous.Responses != 1 {
			t.Errorf("provinces %v, previous %v", c.Provinces, c.Previous)
		}
		if got := monthKeys(c.Months); !reflect.DeepEqual(got, []int{202601, 202602}) {
			t.Errorf("months %v", got)
		}
		if len(c.Offices) != 1 || c.Offices[f.officeA.ID].Responses != 2 || len(c.Counters) != 2 || c.Counters[f.a2.ID].Responses != 1 {
			t.Errorf("offices %v, counters %v", c.Offices, c.Counters)
		}
		if len(c.Fields) != 2 || c.Fields["land"].Responses != 1 || c.Fields[""].Responses != 1 {
			t.Errorf("fields %v", c.Fields)
		}
		// The months hold the option counts (perceptions), the national counts not (lean).
		if c.Months[202601].Options["P2"]["yes"] != 1 || len(c.Provinces[f.provA.ID].Options) != 0 {
			t.Errorf("options by month %v, by province %v", c.Months[202601].Options, c.Provinces[f.provA.ID].Options)
		}
		var offices, counters []string
		for _, o := range c.OfficePlaces {
			offices = append(offices, o.Code)
		}
		for _, ct := range c.CounterPlaces {
			counters = append(counters, ct.Code)
			if ct.OfficeID != f.officeA.ID {
				t.Errorf("counter %s at office %d", ct.Code, ct.OfficeID)
			}
		}
		if !reflect.DeepEqual(offices, []string{"oa"}) || !reflect.DeepEqual(counters, []string{"a1", "a2"}) {
			t.Errorf("places %v %v", offices, counters)
		}

		// Hà Nội's page for a reader who may see Hải Phòng only; an unknown code; a
		// former province after the merger.
		for _, q := range []ProvinceQuery{
			{Code: "01", Scope: Scope{ProvinceIDs: []uint{f.provA.ID}}},
			{Code: "99", Scope: AllProvinces()},
			{Code: "30", Scope: AllProvinces()},
		} {
			q.Questionnaire, q.Period, q.Day = pq.Questionnaire, pq.Period, pq.Day
			if _, err := s.Province(ctx, q); !errors.Is(err, ErrNoProvince) {
				t.Errorf("province %s in scope %v: %v, want ErrNoProvince", q.Code, q.Scope.ProvinceIDs, err)
			}
		}
		if _, err := s.National(ctx, NationalQuery{Questionnaire: "nope", Period: y2026}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown questionnaire: %v, want ErrNotFound", err)
		}
	})
}

func monthKeys(m map[int]*survey.Tally) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestScopeNarrow(t *testing.T) {
	tests := []struct {
		scope Scope
		ids   []uint
		want  []uint
	}{
		{AllProvinces(), []uint{3, 1}, []uint{3, 1}},
		{Scope{ProvinceIDs: []uint{1, 2}}, []uint{3, 1}, []uint{1}},
		{Scope{ProvinceIDs: []uint{2}}, []uint{3, 1}, []uint{}},
		{Scope{ProvinceIDs: []uint{}}, []uint{3}, []uint{}},
	}
	for _, tt := range tests {
		if got := tt.scope.Narrow(tt.ids).ProvinceIDs; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v narrowed to %v = %v, want %v", tt.scope.ProvinceIDs, tt.ids, got, tt.want)
		}
	}
}

// A database made by an earlier release holds the official version 1 without report
// roles: its province pages still show the perceptions.
func TestStoredVersionWithoutReportRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		s := openTestStore(t, db.fresh(t), false)
		old := strings.NewReplacer(`"report": {`, `"report_unknown_before": {`).Replace(string(survey.OfficialQuestionnaireJSON()))
		if !strings.Contains(old, "report_unknown_before") {
			t.Fatal("the test's definition still has report roles")
		}
		if _, err := s.EnsureReferenceData(context.Background(), survey.OfficialUnits(), []byte(old)); err != nil {
			t.Fatal(err)
		}
		_, q, err := s.PublishedQuestionnaire(context.Background(), "sipas-counter")
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, x := range q.Perceptions() {
			codes = append(codes, x.Code)
		}
		if !reflect.DeepEqual(codes, []string{"P1", "P2", "P3"}) {
			t.Errorf("perceptions %v", codes)
		}
	})
}

// An error leaving the store names what it was doing and on what, never only the
// driver's words.
func TestErrorsSayWhereTheyComeFrom(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		s.Close() // every statement now fails
		_, submitErr := s.SubmitResponses(ctx, []NewResponse{f.response("4a7c1e7e-0000-4000-8000-000000000001", f.a1, vn(2026, 1, 2, 9, 0), "", nil, "E1.1", 5)})
		_, nationalErr := s.National(ctx, NationalQuery{Questionnaire: "sipas-counter", Period: survey.YearPeriod(2026)})
		_, countErr := s.CountResponses(ctx)
		_, kioskErr := s.KioskByCounter(ctx, "a1", "sipas-counter")
		for _, tt := range []struct {
			err    error
			prefix string
		}{
			{submitErr, "store response 4a7c1e7e-0000-4000-8000-000000000001: "},
			{nationalErr, "read questionnaire sipas-counter: "},
			{countErr, "count responses: "},
			{s.Ping(ctx), "ping database: "},
			{kioskErr, "read counter a1: "},
		} {
			if tt.err == nil || !strings.HasPrefix(tt.err.Error(), tt.prefix) {
				t.Errorf("error %v, want it to begin with %q", tt.err, tt.prefix)
			}
		}
	})
	if _, err := Open(filepath.Join(t.TempDir(), "no-such-dir", "sipas.db")); err == nil || !strings.Contains(err.Error(), "no-such-dir") {
		t.Errorf("opening a file in a missing directory: %v, want the path named", err)
	}
}

// talliesByProvince adds up a period's lean counts per stored unit, as Store.National does.
func (s *Store) talliesByProvince(ctx context.Context, p survey.Period, scope Scope) (map[uint]*survey.Tally, error) {
	byKey, err := s.Tallies(ctx, TallyQuery{Period: p, Scope: scope, GroupBy: ByProvince, Lean: true})
	if err != nil {
		return nil, err
	}
	return byID(byKey)
}
