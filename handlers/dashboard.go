package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// dashboardRoutes registers the officials' dashboards and their API.
func (a *App) dashboardRoutes(e *echo.Echo) {
	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/dashboard") })
	e.GET("/dashboard", a.dashboard)
	e.GET("/dashboard/province/:code", a.provinceDashboard)
	e.GET("/api/v1/sipas/provinces/:code", a.apiProvince)
}

// nationalPage is the national ranking of a period.
type nationalPage struct {
	dashFrame
	Average     *float64
	AverageCI   survey.Interval
	Pooled      survey.Index
	WithData    int
	Units       int
	Rows        []nationalRow
	Chart       chart
	Previous    string // the previous period's name
	Published   []survey.Published
	AnyLow      bool
	AnyOverlap  bool
	ChartHeight string // CSS class giving the ranking chart room for its bars
	// Projected says that the rows carry the projection of the year (a current year's page).
	Projected bool
	// OpenAlerts is the number of open alerts within a signed-in reader's scope.
	OpenAlerts int
	Held       int64 // responses of the period held for review, in every province
}

// nationalRow is one province in the ranking table.
type nationalRow struct {
	Rank        int
	Code, Name  string
	URL         string
	Responses   int64
	SIPAS       *float64
	CI          survey.Interval
	Previous    *float64
	Change      *float64
	Low         bool
	OverlapNext bool
	Next        string
	Projection  *survey.UnitProjection // the year's projection, on a current year's page
	Held        int64                  // responses held for review, not counted
}

// dashboard shows the national ranking table and chart of a period.
func (a *App) dashboard(c echo.Context) error {
	return a.cachedPage(c, "dashboard", func() (any, dashFrame, error) { return a.dashboardPage(c) })
}

// dashboardPage builds the national dashboard (cachedPage keeps it).
func (a *App) dashboardPage(c echo.Context) (any, dashFrame, error) {
	rq, err := a.readReportQuery(c)
	if err != nil {
		return nil, dashFrame{}, err
	}
	r, err := a.nationalReport(c, rq, true)
	if err != nil {
		return nil, dashFrame{}, err
	}
	f := a.frame(c, rq, "/dashboard")
	if f.Versions, err = a.versionsNote(c, rq.period, models.AllProvinces()); err != nil {
		return nil, dashFrame{}, err
	}
	page := nationalPage{dashFrame: f, Average: r.Average, AverageCI: r.AverageCI, Pooled: r.Pooled,
		Units: len(r.Units), Previous: a.msg(c, r.PreviousPeriod.Name()), Published: survey.PublishedAverages(), Held: r.Held}
	var ranked []survey.Interval
	provincePath := a.provincePath(c) // the dashboard for the signed-in, the public page for others
	for _, u := range r.Units {
		row := nationalRow{Rank: u.Rank, Code: u.Unit.Code, Name: u.Unit.Name, URL: f.Link(provincePath + u.Unit.Code),
			Responses: u.Index.Responses, SIPAS: u.Index.SIPAS, CI: u.Index.CI95, Previous: u.Previous, Change: u.Change,
			Low: u.Index.SIPAS != nil && !survey.Reliable(u.Index.Responses, a.cfg.MinSample), Held: u.Held}
		if u.Index.SIPAS != nil {
			page.WithData++
			ranked = append(ranked, u.Index.CI95)
		}
		page.AnyLow = page.AnyLow || row.Low
		page.Rows = append(page.Rows, row)
	}
	for i, overlap := range survey.AdjacentOverlaps(ranked) { // ranked rows come first
		if overlap {
			page.Rows[i].OverlapNext, page.Rows[i].Next = true, page.Rows[i+1].Name
			page.AnyOverlap = true
		}
	}
	if err := a.addProjections(c, rq, &page); err != nil {
		return nil, dashFrame{}, err
	}
	if page.OpenAlerts, err = a.openAlerts(c); err != nil {
		return nil, dashFrame{}, err
	}
	page.Chart = a.rankingChart(c, page)
	page.ChartHeight = fmt.Sprintf("bars-%d", min((page.WithData+9)/10*10, 70))
	return page, page.dashFrame, nil
}

// rankingChart is the bar chart of the provinces' SIPAS, best first, with MoHA's
// published national averages and this period's national average as reference lines.
func (a *App) rankingChart(c echo.Context, page nationalPage) chart {
	ch := chart{Type: "bar", Title: a.t(c, "dash.chart.ranking", page.PeriodName), XLabel: a.t(c, "dash.axis.sipas"),
		Options: map[string]any{"indexAxis": "y", "scales": map[string]any{"y": map[string]any{"ticks": map[string]any{"autoSkip": false}}}}}
	var data []*float64
	var colors []string
	values := []*float64{page.Average}
	// empty rows at the top leave room for the reference lines' labels, one row each
	for range len(page.Published) + 1 {
		ch.Labels, data, colors = append(ch.Labels, ""), append(data, nil), append(colors, colorBar)
	}
	for _, row := range page.Rows {
		if row.SIPAS == nil {
			continue
		}
		ch.Labels = append(ch.Labels, row.Name)
		data = append(data, round2(row.SIPAS))
		values = append(values, row.SIPAS)
		if row.Low {
			colors = append(colors, colorLowBar)
		} else {
			colors = append(colors, colorBar)
		}
	}
	ch.Datasets = []chartDataset{{Label: "SIPAS (%)", Data: data, BackgroundColor: colors, BorderColor: colors}}
	for _, p := range page.Published {
		ch.RefLines = append(ch.RefLines, refLine{Value: p.Average, Label: a.t(c, "dash.ref.moha", p.Year)})
		values = append(values, fptr(p.Average))
	}
	if page.Average != nil {
		ch.RefLines = append(ch.RefLines, refLine{Value: *round2(page.Average), Label: a.t(c, "dash.ref.average"), Color: colorNational})
	}
	ch.YMin, ch.YMax = axisFloor(values...), fptr(100)
	return ch
}

// addProjections gives every row of a current year's table the projection of the year.
func (a *App) addProjections(c echo.Context, rq reportQuery, page *nationalPage) error {
	if rq.period.Kind != "year" || rq.period.Year != a.now().In(survey.VietnamTime()).Year() {
		return nil
	}
	pr, err := a.projections(c, rq.period.Year)
	if err != nil {
		return err
	}
	for i := range page.Rows {
		if u, ok := pr.Of(page.Rows[i].Code); ok && u.SIPAS != nil {
			page.Rows[i].Projection = &u
			page.Projected = true
		}
	}
	return nil
}

// provincePath is where the national table links a province: its dashboard for a
// signed-in reader, its public page for anybody else.
func (a *App) provincePath(c echo.Context) string {
	if v, err := a.viewer(c); err == nil && v.user != nil {
		return "/dashboard/province/"
	}
	return "/provinces/"
}
