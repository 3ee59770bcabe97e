package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

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
		return reportQuery{}, a.badPeriod(c, err)
	}
	current, err := survey.UnitsQuery(c.QueryParam("units"))
	if err != nil {
		return reportQuery{}, a.badPeriod(c, err)
	}
	return reportQuery{period: p, current: current}, nil
}

// badPeriod is a 400 for period parameters: in English for the JSON API, in the page's
// language on a page.
func (a *App) badPeriod(c echo.Context, err error) error {
	var pe *survey.PeriodError
	if errors.As(err, &pe) && !wantsJSON(c) {
		return a.fail(c, http.StatusBadRequest, pe.Msg.In(a.lang(c)))
	}
	return a.fail(c, http.StatusBadRequest, err.Error())
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
	return c.JSON(http.StatusOK, r.JSON(q, rq.current, a.lang(c)))
}
