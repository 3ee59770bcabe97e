package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// The JSON of SPEC §5: plain numbers, full precision, null where undefined.
type apiNational struct {
	Year          int           `json:"year"`
	Period        string        `json:"period"`
	From          string        `json:"from"`
	To            string        `json:"to"`
	Units         string        `json:"units"`
	Questionnaire string        `json:"questionnaire"`
	National      apiSummary    `json:"national"`
	Provinces     []apiProvince `json:"provinces"`
}

type apiSummary struct {
	Responses int64           `json:"responses"`
	SIPAS     *float64        `json:"sipas"` // the unweighted mean of the provinces, as MoHA reports it
	CI95      survey.Interval `json:"ci95"`
	Provinces int             `json:"provinces_with_responses"`
	Pooled    apiPooled       `json:"pooled"`
}

type apiPooled struct {
	SIPAS *float64        `json:"sipas"`
	CI95  survey.Interval `json:"ci95"`
}

type apiProvince struct {
	Code      string           `json:"code"`
	Name      string           `json:"name"`
	Responses int64            `json:"responses"`
	SIPAS     *float64         `json:"sipas"`
	CI95      *survey.Interval `json:"ci95"`
	Rank      *int             `json:"rank"`
	Elements  []apiElement     `json:"elements"`
	Criteria  []apiCriterion   `json:"criteria"`
}

type apiElement struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Index *float64 `json:"index"`
}

type apiCriterion struct {
	Code     string          `json:"code"`
	Index    *float64        `json:"index"`
	Answered int64           `json:"answered"`
	Wilson   survey.Interval `json:"ci95"`
}

// reportQuery is a national report request as read from the query string.
type reportQuery struct {
	period  survey.Period
	current bool
}

func (a *App) readReportQuery(c echo.Context) (reportQuery, error) {
	p, err := survey.ParsePeriod(survey.PeriodQuery{
		Year: c.QueryParam("year"), Quarter: c.QueryParam("quarter"), Month: c.QueryParam("month"),
		From: c.QueryParam("from"), To: c.QueryParam("to"),
	}, a.now())
	if err != nil {
		return reportQuery{}, a.fail(c, http.StatusBadRequest, err.Error())
	}
	current, err := survey.UnitsQuery(c.QueryParam("units"))
	if err != nil {
		return reportQuery{}, a.fail(c, http.StatusBadRequest, err.Error())
	}
	return reportQuery{period: p, current: current}, nil
}

// nationalReport computes the national table of a period from kept counts.
func (a *App) nationalReport(c echo.Context, rq reportQuery, scope models.Scope) (survey.Report, *survey.Questionnaire, error) {
	ctx := c.Request().Context()
	_, q, err := a.store.PublishedQuestionnaire(ctx, a.cfg.Questionnaire)
	if err != nil {
		return survey.Report{}, nil, err
	}
	units, err := a.store.Units(ctx)
	if err != nil {
		return survey.Report{}, nil, err
	}
	counts, err := a.store.TalliesByProvince(ctx, rq.period, scope)
	if err != nil {
		return survey.Report{}, nil, err
	}
	day := survey.ReportDay(rq.period, a.now(), rq.current)
	return q.NationalReport(units, counts, rq.period, day), q, nil
}

func (a *App) apiNational(c echo.Context) error {
	rq, err := a.readReportQuery(c)
	if err != nil {
		return err
	}
	r, q, err := a.nationalReport(c, rq, models.AllProvinces())
	if errors.Is(err, models.ErrNotFound) {
		return a.fail(c, http.StatusServiceUnavailable, "no published questionnaire")
	}
	if err != nil {
		return err
	}
	lang := a.lang(c)
	out := apiNational{
		Year: rq.period.Year, Period: rq.period.String(), Units: map[bool]string{false: "period", true: "current"}[rq.current],
		From: rq.period.From.Format("2006-01-02"), To: rq.period.To.Format("2006-01-02"), Questionnaire: q.Code,
		National: apiSummary{Responses: r.Pooled.Responses, SIPAS: r.Average, CI95: r.AverageCI,
			Pooled: apiPooled{SIPAS: r.Pooled.SIPAS, CI95: r.Pooled.CI95}},
		Provinces: make([]apiProvince, 0, len(r.Units)),
	}
	for _, u := range r.Units {
		p := apiProvince{Code: u.Unit.Code, Name: u.Unit.Name, Responses: u.Index.Responses, SIPAS: u.Index.SIPAS}
		if u.Index.SIPAS != nil {
			ci, rank := u.Index.CI95, u.Rank
			p.CI95, p.Rank = &ci, &rank
			out.National.Provinces++
		}
		for _, e := range u.Index.Elements {
			p.Elements = append(p.Elements, apiElement{Code: e.Code, Name: e.Name.In(lang), Index: e.Index})
		}
		for _, cr := range u.Index.Criteria {
			p.Criteria = append(p.Criteria, apiCriterion{Code: cr.Code, Index: cr.Index, Answered: cr.Answered, Wilson: cr.Wilson})
		}
		out.Provinces = append(out.Provinces, p)
	}
	return c.JSON(http.StatusOK, out)
}
