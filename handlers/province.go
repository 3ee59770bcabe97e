package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// loadProvince reads a province request and computes the province's report: a bad period
// is a 400, an unknown province (or one the reader may not see) a 404, no published
// questionnaire a 503. The province is the unit with the code in force on the report day;
// counts kept under former units merged into it are included.
func (a *App) loadProvince(c echo.Context) (reportQuery, survey.ProvinceReport, error) {
	rq, err := a.readReportQuery(c)
	if err != nil {
		return rq, survey.ProvinceReport{}, err
	}
	code := c.Param("code")
	in, err := a.store.Province(c.Request().Context(), models.ProvinceQuery{Questionnaire: a.cfg.Questionnaire,
		Code: code, Period: rq.period, Day: rq.day(a.now()), Scope: a.scope(c)})
	switch {
	case errors.Is(err, models.ErrNoProvince):
		return rq, survey.ProvinceReport{}, a.fail(c, http.StatusNotFound, a.t(c, "dash.error.province", code, a.msg(c, rq.period.Name())))
	case errors.Is(err, models.ErrNotFound):
		return rq, survey.ProvinceReport{}, a.fail(c, http.StatusServiceUnavailable, a.t(c, "error.no_questionnaire"))
	case err != nil:
		return rq, survey.ProvinceReport{}, err
	}
	r, err := in.Report(a.now(), a.cfg.MinSample)
	return rq, r, err
}
