package apijson

import (
	"time"

	"sipas/survey"
)

// Province is the document of GET /api/v1/sipas/provinces/:code.
type Province struct {
	Code          string          `json:"code"`
	Name          string          `json:"name"`
	ValidFrom     string          `json:"valid_from"`
	ValidUntil    string          `json:"valid_until,omitempty"`
	Includes      []Former        `json:"includes"` // former units merged into it whose counts are included
	Period        string          `json:"period"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	Units         string          `json:"units"`
	Questionnaire string          `json:"questionnaire"`
	MinSample     int             `json:"min_sample"`
	Responses     int64           `json:"responses"`
	Held          int64           `json:"held"` // responses held for review, not counted
	SIPAS         *float64        `json:"sipas"`
	CI95          survey.Interval `json:"ci95"`
	Rank          *int            `json:"rank"`
	Ranked        int             `json:"ranked_provinces"`
	Reliable      bool            `json:"reliable"`
	Previous      Previous        `json:"previous"`
	// Projection is the year's projection when the period is of the current year (set
	// with ProjectionDoc); null otherwise or with too few responses so far.
	Projection *Projection       `json:"projection"`
	Elements   []ElementDetail   `json:"elements"`
	Criteria   []CriterionDetail `json:"criteria"`
	Trend      []Month           `json:"trend"`
	// DetailScope is "office" when offices, counters, fields, perceptions and priorities
	// are only the reader's office's (an official of one office), absent otherwise.
	DetailScope string     `json:"detail_scope,omitempty"`
	Offices     []Place    `json:"offices"`
	Counters    []Place    `json:"counters"`
	Fields      []Field    `json:"fields"`
	Perceptions []Question `json:"perceptions"`
	Priority    Priority   `json:"priority"`
}

// Former is a former unit whose counts are included.
type Former struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ValidUntil string `json:"valid_until"`
}

// Previous is the previous period on the same territory.
type Previous struct {
	Period    string   `json:"period"`
	Responses int64    `json:"responses"`
	SIPAS     *float64 `json:"sipas"`
	Change    *float64 `json:"change"` // percent points, this period minus the previous one
}

// ElementDetail is one element of the province.
type ElementDetail struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Index    *float64 `json:"index"`
	Answered int64    `json:"answered"`
}

// CriterionDetail is one criterion of the province.
type CriterionDetail struct {
	Code       string          `json:"code"`
	Element    string          `json:"element"`
	Text       string          `json:"text"`
	Index      *float64        `json:"index"`
	CI95       survey.Interval `json:"ci95"` // Wilson
	Answered   int64           `json:"answered"`
	Satisfied  int64           `json:"satisfied"`
	Mean       *float64        `json:"mean"`
	Importance *float64        `json:"importance"`
	Values     [5]int64        `json:"values"` // answers of 1, 2, 3, 4, 5
}

// Month is one month of the trend.
type Month struct {
	Month     string           `json:"month"` // YYYY-MM
	Responses int64            `json:"responses"`
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
}

// Place is an office or a counter.
type Place struct {
	Code      string           `json:"code"`
	Name      string           `json:"name"`
	Office    string           `json:"office,omitempty"`
	Responses int64            `json:"responses"`
	Held      int64            `json:"held"` // responses held for review, not counted
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
	Rank      *int             `json:"rank"` // within the province
	Reliable  bool             `json:"reliable"`
	Sample    Sample           `json:"sample"`
}

// Sample is a place's sample adequacy.
type Sample struct {
	Configured bool  `json:"configured"`
	Dossiers   int64 `json:"dossiers"` // handled in the period: the yearly number prorated
	Needed     int64 `json:"needed"`   // Yamane, ±5 % at 95 %
	Reached    *bool `json:"reached"`  // null when not configured
}

// Field is one procedure field; field "" gathers the responses without one.
type Field struct {
	Field     string           `json:"field"`
	Label     string           `json:"label"`
	Responses int64            `json:"responses"`
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
	Reliable  bool             `json:"reliable"`
}

// Question is one perception question with its answers.
type Question struct {
	Code     string   `json:"code"`
	Text     string   `json:"text"`
	Answered int64    `json:"answered"`
	Options  []Option `json:"options"`
}

// Option is one answer of a perception question.
type Option struct {
	Value string          `json:"value"`
	Label string          `json:"label"`
	N     int64           `json:"n"`
	Share *float64        `json:"share"`
	CI95  survey.Interval `json:"ci95"` // Wilson
}

// Priority is the importance × performance matrix.
type Priority struct {
	MeanIndex      *float64 `json:"mean_index"`
	MeanImportance *float64 `json:"mean_importance"`
	Points         []Point  `json:"points"`
}

// Point is one criterion of the matrix.
type Point struct {
	Code       string  `json:"code"`
	Element    string  `json:"element"`
	Index      float64 `json:"index"`
	Importance float64 `json:"importance"`
	Answered   int64   `json:"answered"`
	Quadrant   string  `json:"quadrant"`
	Label      string  `json:"label"`
}

// ProvinceDoc is a province's report as the API gives it, texts in lang; words puts the
// report's messages (the quadrants, the field not given) into words in lang.
func ProvinceDoc(r survey.ProvinceReport, current bool, lang string, words func(survey.Message) string) Province {
	p := r.Period
	out := Province{
		Code: r.Unit.Code, Name: r.Unit.Name, ValidFrom: r.Unit.ValidFrom, ValidUntil: r.Unit.ValidUntil,
		Includes: []Former{}, Period: p.String(), From: day(p.From), To: day(p.To),
		Units: unitsName(current), Questionnaire: r.Questionnaire.Code, MinSample: r.MinSample,
		Responses: r.Index.Responses, Held: r.Held, SIPAS: r.Index.SIPAS, CI95: r.Index.CI95, Rank: rank(r.Rank),
		Ranked: r.Ranked, Reliable: r.Reliable,
		Previous: Previous{Period: r.PrevPeriod.String(), Responses: r.Previous.Responses, SIPAS: r.Previous.SIPAS, Change: r.Change},
		Elements: []ElementDetail{}, Criteria: []CriterionDetail{}, Trend: []Month{}, Offices: []Place{},
		Counters: []Place{}, Fields: []Field{}, Perceptions: []Question{}, Priority: Priority{Points: []Point{}},
	}
	if r.Narrowed {
		out.DetailScope = "office"
	}
	out.Includes, out.Elements = formersAndElements(r, lang)
	for _, cr := range r.Index.Criteria {
		out.Criteria = append(out.Criteria, CriterionDetail{Code: cr.Code, Element: cr.Element, Text: cr.Text.In(lang),
			Index: cr.Index, CI95: cr.Wilson, Answered: cr.Answered, Satisfied: cr.Satisfied, Mean: cr.Mean,
			Importance: cr.Importance, Values: cr.Values})
	}
	for _, m := range r.Trend {
		out.Trend = append(out.Trend, Month{Month: survey.MonthString(m.Month), Responses: m.Index.Responses,
			SIPAS: m.Index.SIPAS, CI95: ci(m.Index)})
	}
	out.Offices, out.Counters = places(r.Offices), places(r.Counters)
	for _, f := range r.Fields {
		label := f.Label.In(lang)
		if f.Value == "" {
			label = words(survey.Msg("report.field_not_given"))
		}
		out.Fields = append(out.Fields, Field{Field: f.Value, Label: label, Responses: f.Index.Responses,
			SIPAS: f.Index.SIPAS, CI95: ci(f.Index), Reliable: f.Reliable})
	}
	for _, qs := range r.Perceptions {
		q := Question{Code: qs.Code, Text: qs.Text.In(lang), Answered: qs.Answered}
		for _, o := range qs.Options {
			q.Options = append(q.Options, Option{Value: o.Value, Label: o.Label.In(lang), N: o.N, Share: o.Share, CI95: o.CI95})
		}
		out.Perceptions = append(out.Perceptions, q)
	}
	if len(r.Priority.Points) > 0 {
		out.Priority.MeanIndex, out.Priority.MeanImportance = &r.Priority.MeanIndex, &r.Priority.MeanImportance
	}
	for _, pt := range r.Priority.Points {
		out.Priority.Points = append(out.Priority.Points, Point{Code: pt.Code, Element: pt.Element, Index: pt.Index,
			Importance: pt.Importance, Answered: pt.Answered, Quadrant: string(pt.Quadrant), Label: words(pt.Quadrant.Label())})
	}
	return out
}

// formersAndElements are a report's former units and elements as the documents give them.
func formersAndElements(r survey.ProvinceReport, lang string) ([]Former, []ElementDetail) {
	formers, elements := []Former{}, []ElementDetail{}
	for _, f := range r.Formers {
		formers = append(formers, Former{Code: f.Unit.Code, Name: f.Unit.Name, ValidUntil: f.Unit.ValidUntil})
	}
	for _, e := range r.Index.Elements {
		elements = append(elements, ElementDetail{Code: e.Code, Name: e.Name.In(lang), Index: e.Index, Answered: e.Answered})
	}
	return formers, elements
}

func places(rows []survey.PlaceIndex) []Place {
	out := []Place{}
	for _, r := range rows {
		out = append(out, Place{Code: r.Code, Name: r.Name, Office: r.Office, Responses: r.Index.Responses, Held: r.Held,
			SIPAS: r.Index.SIPAS, CI95: ci(r.Index), Rank: rank(r.Rank), Reliable: r.Reliable, Sample: sample(r.Sample)})
	}
	return out
}

// rank is a rank, null for an unranked unit (rank 0).
func rank(rank int) *int {
	if rank == 0 {
		return nil
	}
	return &rank
}

// ci is an index's interval, null when the index is undefined.
func ci(ix survey.Index) *survey.Interval {
	if ix.SIPAS == nil {
		return nil
	}
	ci := ix.CI95
	return &ci
}

func sample(s survey.Adequacy) Sample {
	out := Sample{Configured: s.Configured, Dossiers: s.Dossiers, Needed: s.Needed}
	if s.Configured {
		reached := s.Reached
		out.Reached = &reached
	}
	return out
}

// unitsName says which provinces a report shows: "current" (today's, units=current) or
// "period" (those in force at its end).
func unitsName(current bool) string {
	if current {
		return "current"
	}
	return "period"
}

// day writes a day as the API does: YYYY-MM-DD.
func day(t time.Time) string { return t.Format("2006-01-02") }
