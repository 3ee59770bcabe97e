package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sipas/survey"
)

// The JSON of /api/v1/sipas/provinces/:code: plain numbers at full precision, null where
// undefined, every interval a 95 % one ([low, high], percent).
type apiProvinceDetail struct {
	Code          string               `json:"code"`
	Name          string               `json:"name"`
	ValidFrom     string               `json:"valid_from"`
	ValidUntil    string               `json:"valid_until,omitempty"`
	Includes      []apiFormer          `json:"includes"` // former units merged into it whose counts are included
	Period        string               `json:"period"`
	From          string               `json:"from"`
	To            string               `json:"to"`
	Units         string               `json:"units"`
	Questionnaire string               `json:"questionnaire"`
	MinSample     int                  `json:"min_sample"`
	Responses     int64                `json:"responses"`
	SIPAS         *float64             `json:"sipas"`
	CI95          survey.Interval      `json:"ci95"`
	Rank          *int                 `json:"rank"`
	Ranked        int                  `json:"ranked_provinces"`
	Reliable      bool                 `json:"reliable"`
	Previous      apiPrevious          `json:"previous"`
	Elements      []apiElementDetail   `json:"elements"`
	Criteria      []apiCriterionDetail `json:"criteria"`
	Trend         []apiMonth           `json:"trend"`
	Offices       []apiPlace           `json:"offices"`
	Counters      []apiPlace           `json:"counters"`
	Fields        []apiField           `json:"fields"`
	Perceptions   []apiQuestion        `json:"perceptions"`
	Priority      apiPriority          `json:"priority"`
}

type apiFormer struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ValidUntil string `json:"valid_until"`
}

type apiPrevious struct {
	Period    string   `json:"period"`
	Responses int64    `json:"responses"`
	SIPAS     *float64 `json:"sipas"`
	Change    *float64 `json:"change"` // percent points, this period minus the previous one
}

type apiElementDetail struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Index    *float64 `json:"index"`
	Answered int64    `json:"answered"`
}

type apiCriterionDetail struct {
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

type apiMonth struct {
	Month     string           `json:"month"` // YYYY-MM
	Responses int64            `json:"responses"`
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
}

type apiPlace struct {
	Code      string           `json:"code"`
	Name      string           `json:"name"`
	Office    string           `json:"office,omitempty"`
	Responses int64            `json:"responses"`
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
	Rank      *int             `json:"rank"` // within the province
	Reliable  bool             `json:"reliable"`
	Sample    apiSample        `json:"sample"`
}

type apiSample struct {
	Configured bool  `json:"configured"`
	Dossiers   int64 `json:"dossiers"` // handled in the period: the yearly number prorated
	Needed     int64 `json:"needed"`   // Yamane, ±5 % at 95 %
	Reached    *bool `json:"reached"`  // null when not configured
}

type apiField struct {
	Field     string           `json:"field"`
	Label     string           `json:"label"`
	Responses int64            `json:"responses"`
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
	Reliable  bool             `json:"reliable"`
}

type apiQuestion struct {
	Code     string      `json:"code"`
	Text     string      `json:"text"`
	Answered int64       `json:"answered"`
	Options  []apiOption `json:"options"`
}

type apiOption struct {
	Value string          `json:"value"`
	Label string          `json:"label"`
	N     int64           `json:"n"`
	Share *float64        `json:"share"`
	CI95  survey.Interval `json:"ci95"` // Wilson
}

type apiPriority struct {
	MeanIndex      *float64   `json:"mean_index"`
	MeanImportance *float64   `json:"mean_importance"`
	Points         []apiPoint `json:"points"`
}

type apiPoint struct {
	Code       string  `json:"code"`
	Element    string  `json:"element"`
	Index      float64 `json:"index"`
	Importance float64 `json:"importance"`
	Answered   int64   `json:"answered"`
	Quadrant   string  `json:"quadrant"`
	Label      string  `json:"label"`
}

// apiProvince answers a province's detail for a period, with its offices and counters.
func (a *App) apiProvince(c echo.Context) error {
	rq, pr, err := a.loadProvince(c)
	if err != nil {
		return err
	}
	lang := a.lang(c)
	p := rq.period
	out := apiProvinceDetail{
		Code: pr.Unit.Code, Name: pr.Unit.Name, ValidFrom: pr.Unit.ValidFrom, ValidUntil: pr.Unit.ValidUntil,
		Includes: []apiFormer{}, Period: p.String(), From: p.From.Format("2006-01-02"), To: p.To.Format("2006-01-02"),
		Units: rq.unitsName(), Questionnaire: pr.q.Code, MinSample: a.cfg.MinSample,
		Responses: pr.Index.Responses, SIPAS: pr.Index.SIPAS, CI95: pr.Index.CI95, Rank: rankPtr(pr.Rank),
		Ranked: pr.Ranked, Reliable: pr.Reliable,
		Previous: apiPrevious{Period: pr.PrevPeriod.String(), Responses: pr.Previous.Responses, SIPAS: pr.Previous.SIPAS, Change: pr.Change},
		Elements: []apiElementDetail{}, Criteria: []apiCriterionDetail{}, Trend: []apiMonth{}, Offices: []apiPlace{},
		Counters: []apiPlace{}, Fields: []apiField{}, Perceptions: []apiQuestion{}, Priority: apiPriority{Points: []apiPoint{}},
	}
	for _, f := range pr.Formers {
		out.Includes = append(out.Includes, apiFormer{Code: f.Code, Name: f.Name, ValidUntil: f.ValidUntil})
	}
	for _, e := range pr.Index.Elements {
		out.Elements = append(out.Elements, apiElementDetail{Code: e.Code, Name: e.Name.In(lang), Index: e.Index, Answered: e.Answered})
	}
	for _, cr := range pr.Index.Criteria {
		out.Criteria = append(out.Criteria, apiCriterionDetail{Code: cr.Code, Element: cr.Element, Text: cr.Text.In(lang),
			Index: cr.Index, CI95: cr.Wilson, Answered: cr.Answered, Satisfied: cr.Satisfied, Mean: cr.Mean,
			Importance: cr.Importance, Values: cr.Values})
	}
	for _, m := range pr.Trend {
		out.Trend = append(out.Trend, apiMonth{Month: monthName("en", m.Month), Responses: m.Index.Responses,
			SIPAS: m.Index.SIPAS, CI95: ciPtr(m.Index)})
	}
	for _, rows := range []struct {
		in  []placeRow
		out *[]apiPlace
	}{{pr.Offices, &out.Offices}, {pr.Counters, &out.Counters}} {
		for _, r := range rows.in {
			*rows.out = append(*rows.out, apiPlace{Code: r.Code, Name: r.Name, Office: r.Office, Responses: r.Index.Responses,
				SIPAS: r.Index.SIPAS, CI95: ciPtr(r.Index), Rank: rankPtr(r.Rank), Reliable: r.Reliable, Sample: sampleJSON(r.Sample)})
		}
	}
	for _, f := range pr.Fields {
		out.Fields = append(out.Fields, apiField{Field: f.Value, Label: f.Label.In(lang), Responses: f.Index.Responses,
			SIPAS: f.Index.SIPAS, CI95: ciPtr(f.Index), Reliable: f.Reliable})
	}
	for _, qs := range pr.Perceptions {
		aq := apiQuestion{Code: qs.Code, Text: qs.Text.In(lang), Answered: qs.Answered}
		for _, o := range qs.Options {
			aq.Options = append(aq.Options, apiOption{Value: o.Value, Label: o.Label.In(lang), N: o.N, Share: o.Share, CI95: o.CI95})
		}
		out.Perceptions = append(out.Perceptions, aq)
	}
	if len(pr.Priority.Points) > 0 {
		out.Priority.MeanIndex, out.Priority.MeanImportance = fptr(pr.Priority.MeanIndex), fptr(pr.Priority.MeanImportance)
	}
	for _, pt := range pr.Priority.Points {
		out.Priority.Points = append(out.Priority.Points, apiPoint{Code: pt.Code, Element: pt.Element, Index: pt.Index,
			Importance: pt.Importance, Answered: pt.Answered, Quadrant: string(pt.Quadrant), Label: pt.Quadrant.Label(lang)})
	}
	return c.JSON(http.StatusOK, out)
}

func rankPtr(rank int) *int {
	if rank == 0 {
		return nil
	}
	return &rank
}

// ciPtr is an index's interval, null when the index is undefined.
func ciPtr(ix survey.Index) *survey.Interval {
	if ix.SIPAS == nil {
		return nil
	}
	ci := ix.CI95
	return &ci
}

func sampleJSON(s survey.Adequacy) apiSample {
	out := apiSample{Configured: s.Configured, Dossiers: s.Dossiers, Needed: s.Needed}
	if s.Configured {
		reached := s.Reached
		out.Reached = &reached
	}
	return out
}
