package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"sipas/survey"
)

// ErrNoProvince is a province code that names no unit on the report day, or one the
// reader may not see.
var ErrNoProvince = errors.New("no such province")

// NationalQuery asks for what the national table of a period needs.
type NationalQuery struct {
	Questionnaire string // the code of the questionnaire; its newest published version
	Period        survey.Period
	Previous      bool // also the counts of the period before, for every province's change
	Scope         Scope
}

// National reads what a national table needs: the questionnaire, every provincial unit
// and the kept counts of the period per stored unit, lean (every index and interval,
// no importances and option counts). ErrNotFound when no version is published.
func (s *Store) National(ctx context.Context, nq NationalQuery) (survey.NationalInput, error) {
	q, units, err := s.reference(ctx, nq.Questionnaire)
	if err != nil {
		return survey.NationalInput{}, err
	}
	queries := []TallyQuery{{Period: nq.Period, Scope: nq.Scope, GroupBy: ByProvince, Lean: true}}
	if nq.Previous {
		queries = append(queries, TallyQuery{Period: nq.Period.Previous(), Scope: nq.Scope, GroupBy: ByProvince, Lean: true})
	}
	counts, err := s.TalliesAll(ctx, queries...)
	if err != nil {
		return survey.NationalInput{}, fmt.Errorf("national counts of %s: %w", nq.Period, err)
	}
	in := survey.NationalInput{Questionnaire: q, Units: units, Period: nq.Period}
	if in.Counts, err = byID(counts[0]); err != nil {
		return survey.NationalInput{}, err
	}
	if nq.Previous {
		if in.Previous, err = byID(counts[1]); err != nil {
			return survey.NationalInput{}, err
		}
	}
	if in.Held, err = s.PendingHeld(ctx, HeldFilter{Scope: nq.Scope, Period: &nq.Period}, ByProvince); err != nil {
		return survey.NationalInput{}, err
	}
	return in, nil
}

// ProvinceQuery asks for what the report of one province needs.
type ProvinceQuery struct {
	Questionnaire string // the code of the questionnaire; its newest published version
	Code          string // the province's code
	Period        survey.Period
	Day           time.Time // the day whose units are shown (survey.ReportDay)
	Scope         Scope     // what the reader may see of the province
}

// Province reads what a province's report needs: the unit with the code in force on the
// day and the former units merged into it, and the kept counts of their territory within
// the scope, grouped as survey.ProvinceCounts says. ErrNoProvince when the code names no
// unit then or the scope holds none of its territory; ErrNotFound when no version of the
// questionnaire is published.
func (s *Store) Province(ctx context.Context, pq ProvinceQuery) (survey.ProvinceInput, error) {
	q, units, err := s.reference(ctx, pq.Questionnaire)
	if err != nil {
		return survey.ProvinceInput{}, err
	}
	unit, formers, ok := survey.ProvinceAt(units, pq.Code, pq.Day)
	if !ok {
		return survey.ProvinceInput{}, ErrNoProvince
	}
	scope := pq.Scope.Narrow(survey.UnitIDs(append([]survey.Unit{unit}, formers...)))
	if len(scope.ProvinceIDs) == 0 {
		return survey.ProvinceInput{}, ErrNoProvince
	}
	in := survey.ProvinceInput{Questionnaire: q, Units: units, Unit: unit, Formers: formers, Period: pq.Period, Day: pq.Day}
	if in.Counts, err = s.provinceCounts(ctx, pq.Period, scope); err != nil {
		return survey.ProvinceInput{}, fmt.Errorf("counts of province %s in %s: %w", pq.Code, pq.Period, err)
	}
	return in, nil
}

// provinceCounts reads the counts of a province's report in one pass over the months'
// fingerprints, and the offices and counters they were kept at. The province's own
// figures (index, change, trend) are public and read for its whole territory; what lies
// below province level is read within the scope, which may hold one office only.
func (s *Store) provinceCounts(ctx context.Context, p survey.Period, scope Scope) (survey.ProvinceCounts, error) {
	var c survey.ProvinceCounts
	territory := scope
	territory.OfficeIDs = nil
	queries := []TallyQuery{
		// the rank is among every province (province figures are public), whatever the scope
		{Period: p, GroupBy: ByProvince, Lean: true},
		// the previous period on the same territory, for the change
		{Period: p.Previous(), Scope: territory, Lean: true},
		{Period: p, Scope: territory, GroupBy: ByMonth},
		{Period: p, Scope: scope, GroupBy: ByOffice},
		{Period: p, Scope: scope, GroupBy: ByCounter},
		{Period: p, Scope: scope, GroupBy: ByField},
	}
	if scope.OfficeIDs != nil {
		queries = append(queries, TallyQuery{Period: p, Scope: scope}) // the part of it the reader may see
	}
	counts, err := s.TalliesAll(ctx, queries...)
	if err != nil {
		return c, err
	}
	provinces, previous, months, offices, counters, fields := counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]
	c.Previous, c.Fields = previous[""], fields
	if scope.OfficeIDs != nil {
		c.Detail = counts[6][""]
		if c.Detail == nil {
			c.Detail = survey.NewTally()
		}
	}
	if c.Provinces, err = byID(provinces); err != nil {
		return c, err
	}
	if c.Offices, err = byID(offices); err != nil {
		return c, err
	}
	if c.Counters, err = byID(counters); err != nil {
		return c, err
	}
	c.Months = make(map[int]*survey.Tally, len(months))
	for k, t := range months {
		m, err := strconv.Atoi(k)
		if err != nil {
			return c, fmt.Errorf("month key %q: %w", k, err)
		}
		c.Months[m] = t
	}
	c.OfficePlaces, c.CounterPlaces, err = s.placesIn(ctx, scope, idsOf(c.Offices), idsOf(c.Counters))
	if err != nil {
		return c, err
	}
	c.Held, err = s.pendingHeldIn(ctx, p, territory, scope)
	return c, err
}

// reference is the newest published version of questionnaire code and every unit.
func (s *Store) reference(ctx context.Context, code string) (*survey.Questionnaire, []survey.Unit, error) {
	_, q, err := s.PublishedQuestionnaire(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	units, err := s.Units(ctx)
	return q, units, err
}

// byID reads counts grouped by a stored ID (province, office, counter).
func byID(m map[string]*survey.Tally) (map[uint]*survey.Tally, error) {
	out := make(map[uint]*survey.Tally, len(m))
	for k, t := range m {
		id, err := strconv.ParseUint(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("ID key %q: %w", k, err)
		}
		out[uint(id)] = t
	}
	return out, nil
}

func idsOf(m map[uint]*survey.Tally) []uint {
	out := make([]uint, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Narrow is the scope limited to the provinces of ids it holds: what a reader may see of
// one territory.
func (s Scope) Narrow(ids []uint) Scope {
	out := s
	if s.ProvinceIDs == nil {
		out.ProvinceIDs = ids
		return out
	}
	allowed := map[uint]bool{}
	for _, id := range s.ProvinceIDs {
		allowed[id] = true
	}
	out.ProvinceIDs = []uint{}
	for _, id := range ids {
		if allowed[id] {
			out.ProvinceIDs = append(out.ProvinceIDs, id)
		}
	}
	return out
}
