package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/handlers/apijson"
	"sipas/models"
	"sipas/survey"
	"sipas/survey/sheets"
)

// The public page of a province: the province-level figures MoHA publishes too, open to
// anyone (unless serve -public=false), with its history, downloads under CC BY 4.0 and
// the badge a province's portal can embed. Nothing below province level is shown.

// historyMonths is how many months the public page's monthly trend shows.
const historyMonths = 24

// historyFrom is the first year the public page's yearly trend looks at.
const historyFrom = 2022

// publicPage is a province's public page.
type publicPage struct {
	dashFrame
	R            survey.ProvinceReport
	H            survey.History
	Proj         *projectionView
	Charts       bool
	YearsChart   chart
	MonthsChart  chart
	Criteria     []criterionRow
	MonthRows    []trendRow
	DashboardURL string // the officials' dashboard, for a signed-in reader
	CSVURL       string
	JSONURL      string
	BadgeURL     string // absolute, for the embed code
	BadgeCode    string
	Licence      apijson.OpenLicence
}

// loadPublic reads what a province's public page and open data show: the report of the
// period (province-level figures, every province for the rank) and the history.
func (a *App) loadPublic(c echo.Context) (reportQuery, survey.ProvinceReport, survey.History, error) {
	rq, err := a.readReportQuery(c)
	if err != nil {
		return rq, survey.ProvinceReport{}, survey.History{}, err
	}
	code := c.Param("code")
	ctx := c.Request().Context()
	in, err := a.store.Province(ctx, models.ProvinceQuery{Questionnaire: a.cfg.Questionnaire, Code: code, Period: rq.period,
		Day: rq.day(a.now()), Scope: models.AllProvinces()})
	switch {
	case errors.Is(err, models.ErrNoProvince):
		return rq, survey.ProvinceReport{}, survey.History{}, a.fail(c, http.StatusNotFound, a.t(c, "dash.error.province", code, a.msg(c, rq.period.Name())))
	case errors.Is(err, models.ErrNotFound):
		return rq, survey.ProvinceReport{}, survey.History{}, a.fail(c, http.StatusServiceUnavailable, a.t(c, "error.no_questionnaire"))
	case err != nil:
		return rq, survey.ProvinceReport{}, survey.History{}, err
	}
	r, err := in.Report(a.now(), a.cfg.MinSample)
	if err != nil {
		return rq, r, survey.History{}, err
	}
	today := survey.DayOf(a.now())
	span := survey.Period{Kind: "range", From: survey.YearPeriod(historyFrom).From, To: today}
	q, months, err := a.store.ProvinceHistory(ctx, a.cfg.Questionnaire, r.Unit.Code, rq.day(a.now()), span)
	if err != nil {
		return rq, r, survey.History{}, err
	}
	return rq, r, q.History(months, survey.MonthKey(today), historyMonths, a.cfg.MinSample), nil
}

// publicProvince shows a province's public page.
func (a *App) publicProvince(c echo.Context) error {
	rq, r, h, err := a.loadPublic(c)
	if err != nil {
		return err
	}
	path := "/provinces/" + r.Unit.Code
	f := a.frame(c, rq, path)
	page := publicPage{dashFrame: f, R: r, H: h, Charts: true, CSVURL: f.Link(path + "/data.csv"), JSONURL: f.Link(path + "/data.json"),
		BadgeURL: absoluteURL(c, "/badge/"+r.Unit.Code+".svg"), Licence: a.licence(c)}
	page.BadgeCode = fmt.Sprintf(`<a href="%s"><img src="%s" alt="%s"></a>`, absoluteURL(c, path), page.BadgeURL, a.badgeLabel(r.Unit))
	if v, err := a.viewer(c); err == nil && v.user != nil {
		page.DashboardURL = f.Link("/dashboard/province/" + r.Unit.Code)
	}
	for _, cr := range r.Weakest {
		page.Criteria = append(page.Criteria, criterionRow{Code: cr.Code, Text: cr.Text, Index: cr.Index, Wilson: cr.Wilson,
			Answered: cr.Answered, Mean: cr.Mean, Values: cr.Values, Low: !survey.Reliable(cr.Answered, r.MinSample)})
	}
	if pr, u, ok, err := a.projectionOf(c, rq.period, r.Unit.Code); err != nil {
		return err
	} else if ok {
		page.Proj = a.projectionViewOf(c, pr, u)
	}
	for _, m := range h.Months {
		page.MonthRows = append(page.MonthRows, trendRow{Label: a.msg(c, survey.MonthName(m.Month)), Index: m.Index,
			Low: m.Index.SIPAS != nil && !m.Reliable})
	}
	page.YearsChart, page.MonthsChart = a.historyCharts(c, h)
	return c.Render(http.StatusOK, "public", page)
}

// historyCharts are the yearly and the monthly trend of a province.
func (a *App) historyCharts(c echo.Context, h survey.History) (years, months chart) {
	years = chart{Type: "bar", Title: a.t(c, "public.years"), YLabel: a.t(c, "dash.axis.sipas")}
	var yv, values []*float64
	for _, y := range h.Years {
		years.Labels = append(years.Labels, fmt.Sprint(y.Year))
		yv = append(yv, round2(y.Index.SIPAS))
		values = append(values, y.Index.SIPAS)
	}
	years.Datasets = []chartDataset{{Label: "SIPAS (%)", Data: yv}}
	for _, p := range survey.PublishedAverages() {
		years.RefLines = append(years.RefLines, refLine{Value: p.Average, Label: a.t(c, "dash.ref.moha", p.Year)})
		values = append(values, fptr(p.Average))
	}
	years.YMin, years.YMax = axisFloor(values...), fptr(100)
	months = chart{Type: "line", Title: a.t(c, "public.months", historyMonths), YLabel: a.t(c, "dash.axis.sipas")}
	var mv []*float64
	values = nil
	for _, m := range h.Months {
		months.Labels = append(months.Labels, a.msg(c, survey.MonthName(m.Month)))
		mv = append(mv, round2(m.Index.SIPAS))
		values = append(values, m.Index.SIPAS)
	}
	months.Datasets = []chartDataset{{Label: "SIPAS (%)", Data: mv}}
	months.YMin, months.YMax = axisFloor(values...), fptr(100)
	return years, months
}

// licence is the open licence of the figures, with the attribution to give.
func (a *App) licence(c echo.Context) apijson.OpenLicence {
	return apijson.CCBy4(a.t(c, "public.attribution"))
}

// publicData answers a province's open data as JSON or CSV, under CC BY 4.0.
func (a *App) publicData(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		rq, r, h, err := a.loadPublic(c)
		if err != nil {
			return err
		}
		lang := a.lang(c)
		name := fmt.Sprintf("sipas-%s-%s", r.Unit.Code, strings.ReplaceAll(rq.period.String(), "/", "_"))
		var buf bytes.Buffer
		mime := echo.MIMEApplicationJSON
		if format == "json" {
			err = json.NewEncoder(&buf).Encode(apijson.PublicProvinceDoc(r, h, lang, a.licence(c), a.now()))
		} else {
			mime = mimeCSV
			err = sheets.WriteCSV(&buf, survey.OpenTable(r, h, lang))
		}
		if err != nil {
			return err
		}
		hdr := c.Response().Header()
		hdr.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
		hdr.Set("Link", `<https://creativecommons.org/licenses/by/4.0/>; rel="license"`)
		hdr.Set(echo.HeaderAccessControlAllowOrigin, "*") // open data: other sites may read it
		return c.Blob(http.StatusOK, mime, buf.Bytes())
	}
}
