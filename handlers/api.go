package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/handlers/apijson"
	"sipas/models"
	"sipas/survey"
)

// reportQuery is a report request as read from the query string.
type reportQuery struct {
	period  survey.Period
	current bool
}

func (a *App) readReportQuery(c echo.Context) (reportQuery, error) {
	if err := a.repeatedReportParam(c); err != nil {
		return reportQuery{}, err
	}
	p, err := survey.ParsePeriod(survey.PeriodQuery{
		Year: c.QueryParam("year"), Quarter: c.QueryParam("quarter"), Month: c.QueryParam("month"),
		From: c.QueryParam("from"), To: c.QueryParam("to"),
	}, a.now())
	if err != nil {
		return reportQuery{}, a.badRequest(c, err)
	}
	current, err := survey.UnitsQuery(c.QueryParam("units"))
	if err != nil {
		return reportQuery{}, a.badRequest(c, err)
	}
	return reportQuery{period: p, current: current}, nil
}

// day is the day whose provinces the request's figures are shown for.
func (rq reportQuery) day(now time.Time) time.Time {
	return survey.ReportDay(rq.period, now, rq.current)
}

// nationalReport computes the national table of the request's period from kept counts,
// with every province's change against the previous period when withChange is set. It
// holds province figures only, which are public: every province, whatever the reader's
// scope. No published questionnaire is a 503.
func (a *App) nationalReport(c echo.Context, rq reportQuery, withChange bool) (survey.Report, error) {
	in, err := a.store.National(c.Request().Context(), models.NationalQuery{
		Questionnaire: a.cfg.Questionnaire, Period: rq.period, Previous: withChange, Scope: models.AllProvinces()})
	if errors.Is(err, models.ErrNotFound) {
		return survey.Report{}, a.fail(c, http.StatusServiceUnavailable, a.t(c, "error.no_questionnaire"))
	}
	if err != nil {
		return survey.Report{}, err
	}
	return in.Report(rq.day(a.now())), nil
}

func (a *App) apiNational(c echo.Context) error {
	rq, err := a.readReportQuery(c)
	if err != nil {
		return err
	}
	return a.cachedJSON(c, func() (any, error) {
		r, err := a.nationalReport(c, rq, false)
		if err != nil {
			return nil, err
		}
		return apijson.NationalDoc(r, rq.current, a.lang(c)), nil
	})
}

// apiProvince answers a province's detail for a period, with its offices and counters.
func (a *App) apiProvince(c echo.Context) error {
	return a.cachedJSON(c, func() (any, error) {
		rq, r, err := a.loadProvince(c)
		if err != nil {
			return nil, err
		}
		pr, u, ok, err := a.projectionOf(c, rq.period, r.Unit.Code)
		if err != nil {
			return nil, err
		}
		words := func(m survey.Message) string { return a.msg(c, m) }
		doc := apijson.ProvinceDoc(r, rq.current, a.lang(c), words)
		if ok {
			doc.Projection = apijson.ProjectionDoc(pr, u)
		}
		return doc, nil
	})
}
