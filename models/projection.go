package models

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"sipas/survey"
)

// firstCalibrationYear is the first year whose official figures are built in (the
// national averages of survey.PublishedAverages).
const firstCalibrationYear = 2022

// ProjectionQuery asks for what the projection of a year needs.
type ProjectionQuery struct {
	Questionnaire string
	Year          int
}

// Projection reads what the projections of a year need: lean counts per stored unit for
// every month of the year and the year before, per year for the earlier years since the
// first official figure, and the recorded official figures. Fingerprint changes whenever
// any of these do (a response stored, an official figure recorded), so that a caller may
// keep the computed projections until it changes.
func (s *Store) Projection(ctx context.Context, pq ProjectionQuery) (in survey.ProjectionInput, fingerprint string, err error) {
	q, units, err := s.reference(ctx, pq.Questionnaire)
	if err != nil {
		return in, "", err
	}
	official, err := s.OfficialResults(ctx)
	if err != nil {
		return in, "", err
	}
	first := firstCalibrationYear
	for _, r := range official {
		first = min(first, r.Year)
	}
	prints, err := s.monthPrints(ctx, first*100+1, pq.Year*100+12)
	if err != nil {
		return in, "", err
	}
	var queries []TallyQuery
	var months []int
	for y := pq.Year - 1; y <= pq.Year; y++ {
		for m := 1; m <= 12; m++ {
			months = append(months, y*100+m)
			queries = append(queries, TallyQuery{Period: survey.MonthPeriod(y, m), GroupBy: ByProvince, Lean: true})
		}
	}
	var years []int
	for y := first; y < pq.Year; y++ {
		years = append(years, y)
		queries = append(queries, TallyQuery{Period: survey.YearPeriod(y), GroupBy: ByProvince, Lean: true})
	}
	counts, err := s.TalliesAll(ctx, queries...)
	if err != nil {
		return in, "", fmt.Errorf("counts of the projection of %d: %w", pq.Year, err)
	}
	in = survey.ProjectionInput{Questionnaire: q, Units: units, Year: pq.Year, Official: domainOfficial(official),
		Months: map[int]map[uint]*survey.Tally{}, Years: map[int]map[uint]*survey.Tally{}}
	for i, m := range months {
		if in.Months[m], err = byID(counts[i]); err != nil {
			return in, "", err
		}
	}
	for i, y := range years {
		if in.Years[y], err = byID(counts[len(months)+i]); err != nil {
			return in, "", err
		}
	}
	return in, projectionPrint(pq, q, prints, official), nil
}

// projectionPrint names the data a projection is computed from: the questionnaire
// version, every month's fingerprint and every official figure.
func projectionPrint(pq ProjectionQuery, q *survey.Questionnaire, prints map[int]string, official []OfficialResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%s/%d|", pq.Year, q.Code, q.Version)
	for _, m := range slices.Sorted(maps.Keys(prints)) {
		fmt.Fprintf(&b, "%d:%s;", m, prints[m])
	}
	for _, r := range official {
		fmt.Fprintf(&b, "|%d %s %x", r.Year, r.Code, r.SIPAS)
	}
	return b.String()
}

// ProvinceHistory reads the lean monthly counts of a province's territory (the unit with
// code in force on day and the former units merged into it) over the period, for the
// public page's trends. ErrNoProvince when the code names no unit that day.
func (s *Store) ProvinceHistory(ctx context.Context, questionnaire, code string, day time.Time, p survey.Period) (*survey.Questionnaire, map[int]*survey.Tally, error) {
	q, units, err := s.reference(ctx, questionnaire)
	if err != nil {
		return nil, nil, err
	}
	unit, formers, ok := survey.ProvinceAt(units, code, day)
	if !ok {
		return nil, nil, ErrNoProvince
	}
	territory := Scope{ProvinceIDs: survey.UnitIDs(append([]survey.Unit{unit}, formers...))}
	counts, err := s.Tallies(ctx, TallyQuery{Period: p, Scope: territory, GroupBy: ByMonth, Lean: true})
	if err != nil {
		return nil, nil, fmt.Errorf("history of province %s: %w", code, err)
	}
	months := make(map[int]*survey.Tally, len(counts))
	for k, t := range counts {
		m, err := strconv.Atoi(k)
		if err != nil {
			return nil, nil, fmt.Errorf("month key %q: %w", k, err)
		}
		months[m] = t
	}
	return q, months, nil
}
