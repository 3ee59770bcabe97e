package handlers

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// perceptionCodes are the questions outside the index shown on a province's page: the
// number of trips (P1), harassment (P2) and suggested informal payments (P3).
var perceptionCodes = []string{"P1", "P2", "P3"}

// provinceReport is everything a province's dashboard and its API show for one period,
// all computed from kept counts.
type provinceReport struct {
	q           *survey.Questionnaire
	Unit        survey.Unit
	Formers     []survey.Unit // former units whose counts are included (merger)
	Index       survey.Index
	Rank        int
	Ranked      int // provinces with a rank in the period
	Reliable    bool
	Previous    survey.Index
	PrevPeriod  survey.Period
	Change      *float64
	Weakest     []survey.CriterionIndex // the criteria, weakest first, unanswered last
	Trend       []trendPoint
	Offices     []placeRow
	Counters    []placeRow
	Fields      []fieldRow
	Perceptions []survey.QuestionShares
	Priority    survey.Priority
	Days        int // days of the period up to today: the dossiers of sample adequacy are prorated to them
}

type trendPoint struct {
	Month int // YYYYMM
	Index survey.Index
}

// placeRow is an office or a counter with its index, rank within the province and sample.
type placeRow struct {
	ID       uint
	Code     string
	Name     string
	Office   string // a counter's office
	Index    survey.Index
	Rank     int
	Reliable bool
	Sample   survey.Adequacy
}

type fieldRow struct {
	Value    string
	Label    survey.Text
	Index    survey.Index
	Reliable bool
}

// errNoProvince is an unknown province code for the period's report day.
var errNoProvince = errors.New("no such province")

// provinceReport builds a province's report. The province is the unit with code in force on
// the report day; counts kept under former units merged into it are included.
func (a *App) provinceReport(c echo.Context, rq reportQuery, code string) (provinceReport, error) {
	ctx := c.Request().Context()
	q, units, err := a.reference(c)
	if err != nil {
		return provinceReport{}, err
	}
	day := survey.ReportDay(rq.period, a.now(), rq.current)
	unit, ok := survey.UnitAt(units, code, day)
	if !ok {
		return provinceReport{}, errNoProvince
	}
	into := survey.UnitsInto(units, unit)
	ids := inScope(a.scope(c), survey.UnitIDs(into))
	if len(ids) == 0 {
		return provinceReport{}, errNoProvince
	}
	pr := provinceReport{q: q, Unit: unit, Formers: into[1:], PrevPeriod: rq.period.Previous(), Days: elapsedDays(rq.period, a.now())}
	scope := models.Scope{ProvinceIDs: ids}
	counts, err := a.store.TalliesAll(ctx,
		// the rank is among every province (province figures are public), whatever the scope
		models.TallyQuery{Period: rq.period, GroupBy: models.ByProvince, Lean: true},
		// the previous period on the same territory, for the change
		models.TallyQuery{Period: pr.PrevPeriod, Scope: scope, Lean: true},
		models.TallyQuery{Period: rq.period, Scope: scope, GroupBy: models.ByMonth},
		models.TallyQuery{Period: rq.period, Scope: scope, GroupBy: models.ByOffice},
		models.TallyQuery{Period: rq.period, Scope: scope, GroupBy: models.ByCounter},
		models.TallyQuery{Period: rq.period, Scope: scope, GroupBy: models.ByField})
	if err != nil {
		return provinceReport{}, err
	}
	byProvince, byMonth, byOffice, byCounter, byField := counts[0], counts[2], counts[3], counts[4], counts[5]
	nat := q.NationalReport(units, byID(byProvince), rq.period, day)
	for _, u := range nat.Units {
		if u.Unit.ID == unit.ID {
			pr.Rank = u.Rank
		}
		if u.Rank > 0 {
			pr.Ranked++
		}
	}
	pr.Previous = q.Compute(counts[1][""])
	// The national table is lean (no importances, no option counts): the province's own
	// index comes from its full counts, the months added up.
	whole := survey.NewTally()
	for _, t := range byMonth {
		whole.Add(t)
	}
	pr.Index = q.Compute(whole)
	pr.Reliable = survey.Reliable(pr.Index.Responses, a.cfg.MinSample)
	for _, m := range rq.period.Months() {
		pr.Trend = append(pr.Trend, trendPoint{Month: m, Index: q.Compute(byMonth[strconv.Itoa(m)])})
	}
	pr.Change = survey.Change(pr.Index.SIPAS, pr.Previous.SIPAS)
	pr.Weakest = weakestFirst(pr.Index.Criteria)
	pr.Priority = survey.Priorities(pr.Index, int64(a.cfg.MinSample))
	if err := a.placeRows(c, q, ids, byOffice, byCounter, &pr); err != nil {
		return provinceReport{}, err
	}
	pr.Fields = a.fieldRows(q, byField)
	for _, code := range perceptionCodes {
		if x, ok := q.Question(code); ok {
			pr.Perceptions = append(pr.Perceptions, x.Shares(whole))
		}
	}
	return pr, nil
}

// placeRows fills the offices and counters of the province with their indices, ranks
// within the province and sample adequacy.
func (a *App) placeRows(c echo.Context, q *survey.Questionnaire, provinceIDs []uint, byOffice, byCounter map[string]*survey.Tally, pr *provinceReport) error {
	offices, counters, err := a.store.PlacesIn(c.Request().Context(), provinceIDs, keyIDs(byOffice), keyIDs(byCounter))
	if err != nil {
		return err
	}
	officeNames := map[uint]string{}
	for _, o := range offices {
		officeNames[o.ID] = o.Name
		ix := q.Compute(byOffice[strconv.FormatUint(uint64(o.ID), 10)])
		pr.Offices = append(pr.Offices, placeRow{ID: o.ID, Code: o.Code, Name: o.Name, Index: ix,
			Reliable: survey.Reliable(ix.Responses, a.cfg.MinSample),
			Sample:   survey.SampleAdequacy(o.AnnualDossiers, pr.Days, ix.Responses)})
	}
	for _, ct := range counters {
		ix := q.Compute(byCounter[strconv.FormatUint(uint64(ct.ID), 10)])
		pr.Counters = append(pr.Counters, placeRow{ID: ct.ID, Code: ct.Code, Name: ct.Name, Office: officeNames[ct.OfficeID], Index: ix,
			Reliable: survey.Reliable(ix.Responses, a.cfg.MinSample),
			Sample:   survey.SampleAdequacy(ct.AnnualDossiers, pr.Days, ix.Responses)})
	}
	rankPlaces(pr.Offices)
	rankPlaces(pr.Counters)
	return nil
}

// rankPlaces ranks places by SIPAS within the province and orders them by rank.
func rankPlaces(rows []placeRow) {
	values := make([]*float64, len(rows))
	for i, r := range rows {
		values[i] = r.Index.SIPAS
	}
	for i, rank := range survey.Rank(values) {
		rows[i].Rank = rank
	}
	survey.SortByRank(rows, func(r placeRow) (int, string) { return r.Rank, r.Name })
}

func (a *App) fieldRows(q *survey.Questionnaire, byField map[string]*survey.Tally) []fieldRow {
	var rows []fieldRow
	add := func(value string, label survey.Text) {
		t, ok := byField[value]
		if !ok {
			return
		}
		ix := q.Compute(t)
		rows = append(rows, fieldRow{Value: value, Label: label, Index: ix, Reliable: survey.Reliable(ix.Responses, a.cfg.MinSample)})
	}
	for _, o := range q.Fields.Options {
		add(o.Value, o.Label)
	}
	add("", survey.Text{"vi": "Không chọn lĩnh vực", "en": "Field not given"})
	return rows
}

// byID keys counts grouped by province by the unit's ID.
func byID(m map[string]*survey.Tally) map[uint]*survey.Tally {
	out := make(map[uint]*survey.Tally, len(m))
	for k, t := range m {
		if id, err := strconv.ParseUint(k, 10, 64); err == nil {
			out[uint(id)] = t
		}
	}
	return out
}

// keyIDs reads the numeric keys of grouped counts.
func keyIDs(m map[string]*survey.Tally) []uint {
	var ids []uint
	for k := range m {
		if id, err := strconv.ParseUint(k, 10, 64); err == nil {
			ids = append(ids, uint(id))
		}
	}
	return ids
}

// weakestFirst orders criteria by index, lowest first; unanswered ones last, in
// questionnaire order.
func weakestFirst(criteria []survey.CriterionIndex) []survey.CriterionIndex {
	out := append([]survey.CriterionIndex(nil), criteria...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Index, out[j].Index
		if (a == nil) != (b == nil) {
			return b == nil
		}
		return a != nil && *a < *b
	})
	return out
}

// loadProvince reads a province request: the period, then the province's report; a bad
// period is a 400, an unknown province a 404.
func (a *App) loadProvince(c echo.Context) (reportQuery, provinceReport, error) {
	rq, err := a.readReportQuery(c)
	if err != nil {
		return rq, provinceReport{}, err
	}
	pr, err := a.provinceReport(c, rq, c.Param("code"))
	switch {
	case errors.Is(err, errNoProvince):
		return rq, pr, a.fail(c, http.StatusNotFound, a.t(c, "dash.error.province", c.Param("code"), periodName(a.lang(c), rq.period)))
	case errors.Is(err, models.ErrNotFound):
		return rq, pr, a.fail(c, http.StatusServiceUnavailable, "no published questionnaire")
	}
	return rq, pr, err
}

// elapsedDays is the number of days of p up to today (in Vietnam): a period still running
// has handled only those days' dossiers.
func elapsedDays(p survey.Period, now time.Time) int {
	today, _ := survey.ParseDate(now.In(survey.VietnamTime()).Format("2006-01-02"))
	if today.Before(p.From) {
		return 0
	}
	if today.Before(p.To) {
		return survey.Period{From: p.From, To: today}.Days()
	}
	return p.Days()
}
