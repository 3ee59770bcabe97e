package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// reportWeakest is how many of the weakest criteria the printed report lists.
const reportWeakest = 5

// reportPage is the printable report of a province and period for the meeting: A4, its
// own print stylesheet; a browser prints it or saves it as PDF.
type reportPage struct {
	dashFrame
	R         survey.ProvinceReport
	Proj      *projectionView
	Charts    bool // false: a printed page has no charts, only their tables
	Weakest   []criterionRow
	Offices   placeTable
	Alerts    []alertView
	Held      heldSummary
	Generated string
	By        string
	ScreenURL string // the dashboard the report comes from
}

// provinceReport shows the printable report of a province and period.
func (a *App) provinceReport(c echo.Context) error {
	rq, r, err := a.loadProvince(c)
	if err != nil {
		return err
	}
	f := a.frame(c, rq, "/report/province/"+r.Unit.Code)
	page := reportPage{dashFrame: f, R: r, Generated: when(f.Lang, a.now()), ScreenURL: f.Link("/dashboard/province/" + r.Unit.Code)}
	if v, err := a.viewer(c); err == nil && v.user != nil {
		page.By = v.user.Name
	}
	for i, cr := range r.Weakest {
		if i == reportWeakest || cr.Index == nil {
			break
		}
		page.Weakest = append(page.Weakest, criterionRow{Code: cr.Code, Text: cr.Text, Index: cr.Index, Wilson: cr.Wilson,
			Answered: cr.Answered, Mean: cr.Mean, Values: cr.Values, Low: !survey.Reliable(cr.Answered, r.MinSample)})
	}
	page.Offices = placeTable{Lang: f.Lang, Kind: "offices", Rows: r.Offices, MinSample: r.MinSample,
		Heading: a.t(c, "dash.province.offices"), Caption: a.t(c, "dash.province.offices_table", r.Unit.Name, f.PeriodName)}
	if pr, u, ok, err := a.projectionOf(c, rq.period, r.Unit.Code); err != nil {
		return err
	} else if ok {
		page.Proj = a.projectionViewOf(c, pr, u)
	}
	if page.Alerts, err = a.provinceAlerts(c, r, models.AlertFilter{Period: &rq.period}); err != nil {
		return err
	}
	if page.Held, err = a.heldSummary(c, r, rq.period); err != nil {
		return err
	}
	return c.Render(http.StatusOK, "report", page)
}
