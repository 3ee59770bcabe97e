package handlers

import (
	"math"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// provincePage is a province's dashboard.
type provincePage struct {
	dashFrame
	R             survey.ProvinceReport
	Q             *survey.Questionnaire
	PrevName      string
	NationalURL   string
	ElementsChart chart
	TrendChart    chart
	MatrixChart   chart
	Quadrants     []quadrantLegend
	FixFirst      int // criteria in the fix-first quadrant
	Criteria      []criterionRow
	TrendRows     []trendRow
	Offices       placeTable
	Counters      placeTable
	PeriodDays    int
	Proj          *projectionView // the year's projection, when the period is of the current year
	Charts        bool
	Alerts        []alertView // the open alerts of the province within the reader's scope
}

// criterionRow is one row of the criteria table (flat: templates find promoted fields slowly).
type criterionRow struct {
	Code     string
	Text     survey.Text
	Index    *float64
	Wilson   survey.Interval
	Answered int64
	Mean     *float64
	Values   [survey.MaxScale]int64
	Low      bool // answered fewer times than the minimum sample
}

type trendRow struct {
	Label string
	Index survey.Index
	Low   bool
}

// placeTable is the offices' or the counters' table (partial "dash-places").
type placeTable struct {
	Lang      string
	Kind      string // "offices" or "counters"
	Heading   string
	Caption   string
	Rows      []survey.PlaceIndex
	MinSample int
}

type quadrantLegend struct {
	Quadrant survey.Quadrant
	Label    string
	Help     string
}

// provinceDashboard shows one province: SIPAS and its elements, criteria weakest first,
// the monthly trend, offices and counters, procedure fields, perceptions and priorities.
func (a *App) provinceDashboard(c echo.Context) error {
	return a.cachedPage(c, "province", func() (any, dashFrame, error) { return a.provinceDashboardPage(c) })
}

// provinceDashboardPage builds a province's dashboard (cachedPage keeps it).
func (a *App) provinceDashboardPage(c echo.Context) (any, dashFrame, error) {
	rq, r, err := a.loadProvince(c)
	if err != nil {
		return nil, dashFrame{}, err
	}
	f := a.frame(c, rq, "/dashboard/province/"+r.Unit.Code)
	territory := models.Scope{ProvinceIDs: []uint{r.Unit.ID}, OfficeIDs: a.scope(c).OfficeIDs}
	for _, former := range r.Formers {
		territory.ProvinceIDs = append(territory.ProvinceIDs, former.Unit.ID)
	}
	if f.Versions, err = a.versionsNote(c, rq.period, territory); err != nil {
		return nil, dashFrame{}, err
	}
	page := provincePage{dashFrame: f, R: r, Q: r.Questionnaire, PrevName: a.msg(c, r.PrevPeriod.Name()),
		NationalURL: f.Link("/dashboard"), PeriodDays: r.Days, Charts: true}
	if pr, u, ok, err := a.projectionOf(c, rq.period, r.Unit.Code); err != nil {
		return nil, dashFrame{}, err
	} else if ok {
		page.Proj = a.projectionViewOf(c, pr, u)
	}
	if page.Alerts, err = a.provinceAlerts(c, r, models.AlertFilter{OpenOnly: true}); err != nil {
		return nil, dashFrame{}, err
	}
	for _, cr := range r.Weakest {
		page.Criteria = append(page.Criteria, criterionRow{Code: cr.Code, Text: cr.Text, Index: cr.Index, Wilson: cr.Wilson,
			Answered: cr.Answered, Mean: cr.Mean, Values: cr.Values, Low: !survey.Reliable(cr.Answered, r.MinSample)})
	}
	for _, m := range r.Trend {
		page.TrendRows = append(page.TrendRows, trendRow{Label: a.msg(c, survey.MonthName(m.Month)), Index: m.Index,
			Low: m.Index.SIPAS != nil && !m.Reliable})
	}
	page.Offices = placeTable{Lang: f.Lang, Kind: "offices", Rows: r.Offices, MinSample: r.MinSample,
		Heading: a.t(c, "dash.province.offices"), Caption: a.t(c, "dash.province.offices_table", r.Unit.Name, f.PeriodName)}
	page.Counters = placeTable{Lang: f.Lang, Kind: "counters", Rows: r.Counters, MinSample: r.MinSample,
		Heading: a.t(c, "dash.province.counters"), Caption: a.t(c, "dash.province.counters_table", r.Unit.Name, f.PeriodName)}
	page.ElementsChart = a.elementsChart(c, f.Lang, r)
	page.TrendChart = a.trendChart(c, r)
	page.MatrixChart = a.matrixChart(c, r.Priority)
	for _, q := range survey.Quadrants() {
		page.Quadrants = append(page.Quadrants, quadrantLegend{Quadrant: q, Label: a.msg(c, q.Label()), Help: a.msg(c, q.Help())})
	}
	for _, p := range r.Priority.Points {
		if p.Quadrant == survey.FixFirst {
			page.FixFirst++
		}
	}
	return page, page.dashFrame, nil
}

func (a *App) elementsChart(c echo.Context, lang string, pr survey.ProvinceReport) chart {
	ch := chart{Type: "bar", Title: a.t(c, "dash.province.elements"), XLabel: a.t(c, "dash.axis.index"), Tall: true,
		Options: map[string]any{"indexAxis": "y", "scales": map[string]any{"y": map[string]any{"ticks": map[string]any{"autoSkip": false}}}}}
	var data []*float64
	values := []*float64{pr.Index.SIPAS}
	for _, e := range pr.Index.Elements {
		ch.Labels = append(ch.Labels, wrapLabel(e.Code+" "+e.Name.In(lang), 20))
		data = append(data, round2(e.Index))
		values = append(values, e.Index)
	}
	ch.Datasets = []chartDataset{{Label: a.t(c, "dash.col.index"), Data: data}}
	if pr.Index.SIPAS != nil {
		ch.RefLines = []refLine{{Value: *round2(pr.Index.SIPAS), Label: "SIPAS"}}
	}
	ch.YMin, ch.YMax = axisFloor(values...), fptr(100)
	return ch
}

func (a *App) trendChart(c echo.Context, pr survey.ProvinceReport) chart {
	ch := chart{Type: "line", Title: a.t(c, "dash.province.trend"), YLabel: a.t(c, "dash.axis.sipas")}
	var data []*float64
	var values []*float64
	for _, m := range pr.Trend {
		ch.Labels = append(ch.Labels, a.msg(c, survey.MonthName(m.Month)))
		data = append(data, round2(m.Index.SIPAS))
		values = append(values, m.Index.SIPAS)
	}
	ch.Datasets = []chartDataset{{Label: "SIPAS (%)", Data: data}}
	if pr.Index.SIPAS != nil {
		ch.RefLines = []refLine{{Value: *round2(pr.Index.SIPAS), Label: a.t(c, "dash.ref.period"), Color: colorNational}}
	}
	ch.YMin, ch.YMax = axisFloor(values...), fptr(100)
	return ch
}

// matrixChart is the importance × performance scatter, one dataset per quadrant so that
// each has its own colour, shape and legend entry.
func (a *App) matrixChart(c echo.Context, p survey.Priority) chart {
	ch := chart{Type: "scatter", Title: a.t(c, "dash.chart.matrix"), XLabel: a.t(c, "dash.axis.index"), YLabel: a.t(c, "dash.axis.importance"), Tall: true,
		Quadrants: map[string]string{
			"tl": a.msg(c, survey.FixFirst.Label()), "tr": a.msg(c, survey.KeepUp.Label()),
			"bl": a.msg(c, survey.Secondary.Label()), "br": a.msg(c, survey.Overserved.Label())}}
	if len(p.Points) == 0 {
		return ch
	}
	ch.QuadrantX, ch.QuadrantY = round2(&p.MeanIndex), fptr(math.Round(p.MeanImportance*1000)/1000)
	styles := map[survey.Quadrant]struct{ color, shape string }{
		survey.FixFirst: {"#b3261e", "triangle"}, survey.KeepUp: {"#0b4f8a", "circle"},
		survey.Secondary: {"#8a5a00", "rect"}, survey.Overserved: {"#1d6b35", "rectRot"},
	}
	for _, q := range survey.Quadrants() {
		var pts []scatterPoint
		for _, pt := range p.Points {
			if pt.Quadrant == q {
				pts = append(pts, scatterPoint{X: *round2(&pt.Index), Y: math.Round(pt.Importance*1000) / 1000, Label: pt.Code})
			}
		}
		if len(pts) > 0 {
			s := styles[q]
			ch.Datasets = append(ch.Datasets, chartDataset{Label: a.msg(c, q.Label()), Data: pts, BackgroundColor: s.color, PointStyle: s.shape})
		}
	}
	return ch
}
