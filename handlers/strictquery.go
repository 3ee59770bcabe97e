package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"sipas/survey"
)

// strictQuery refuses (400) a request whose query string does not read as one: a bad
// escape (%zz), a semicolon, or more parameters than net/url reads (10,000). echo reads
// such a query as empty, so that /api/v1/sipas?year=2024&… would otherwise answer, with
// 200, for another period than the one asked.
func (a *App) strictQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := url.ParseQuery(c.Request().URL.RawQuery); err != nil {
			return a.fail(c, http.StatusBadRequest, a.apiText(c, survey.Msg("error.bad_query")))
		}
		return next(c)
	}
}

// repeatedReportParam refuses a parameter of the reports (API, dashboards, exports) given
// more than once (year=2024&year=2025): which one was meant cannot be known.
func (a *App) repeatedReportParam(c echo.Context) error {
	q := c.QueryParams()
	for _, name := range []string{"year", "quarter", "month", "from", "to", "units", "level", "lang"} {
		if len(q[name]) > 1 {
			return a.fail(c, http.StatusBadRequest, a.apiText(c, survey.Msg("error.repeated_param", name)))
		}
	}
	return nil
}
